/**
 * Payment card numbers (PANs) must never reach the lake: not in a column, not in the JSON text of
 * properties or traits, not in a dead letter. The collector refuses an event that carries one
 * (reason `pan_detected`) and dead-letters it with the number masked.
 *
 * What counts as a card number: a run of 13–19 digits (single spaces or dashes between digits allowed,
 * as people type them) that stands on its own (no letter right before or after it, and not inside a
 * UUID) and passes the Luhn check with a length its network issues. Networks are told by the first
 * digits (the issuer identification number); digits 1, 7, 8, 9 and 0 start no consumer card, which
 * keeps millisecond timestamps (13 digits starting with 1) and most phone numbers from being taken for
 * cards. Order numbers and other ids that fail the Luhn check stay.
 *
 * Why ids are exempt: a UUID's hex groups often hold long digit runs across its dashes, and a UUIDv7
 * starts with the time, so for months every new id begins with the same digits. Measured on 200k of
 * the SDK's ids at each of four dates in 2026–27, 0.02–0.13% passed for a card; a session id is on
 * every event of its session, so all of them were refused (the fraud benchmark's unexplained drops).
 */

/** Card lengths by leading digits, most specific prefix first. */
export const cardNetworks = [
  { name: "American Express", prefixes: ["34", "37"], lengths: [15] },
  { name: "JCB", prefixes: ["35"], lengths: [16, 17, 18, 19] },
  { name: "Diners Club", prefixes: ["30", "36", "38", "39"], lengths: [14, 15, 16, 17, 18, 19] },
  { name: "Visa (and Elo on 4)", prefixes: ["4"], lengths: [13, 16, 19] },
  { name: "Mastercard", prefixes: ["2", "51", "52", "53", "54", "55"], lengths: [16] },
  {
    name: "Maestro, Elo, Discover, UnionPay, Hipercard",
    prefixes: ["50", "56", "57", "58", "59", "6"],
    lengths: [13, 14, 15, 16, 17, 18, 19],
  },
] as const;

const MIN_DIGITS = 13;
const MAX_DIGITS = 19;
/**
 * The walk fails closed past this depth (the value counts as a card number): the collector caps JSON
 * nesting far below it, and a value that cannot be checked must not be stored.
 */
const MAX_DEPTH = 1000;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Whether a string of digits alone is a card number. */
export function isCardNumber(digits: string): boolean {
  if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS) return false;
  const network = cardNetworks.find((n) => n.prefixes.some((p) => digits.startsWith(p)));
  if (network === undefined || !(network.lengths as readonly number[]).includes(digits.length)) return false;
  return luhn(digits);
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** [start, end) of each UUID in the text. */
function uuidSpans(text: string): Array<[number, number]> {
  if (text.length < 36 || !text.includes("-")) return [];
  return Array.from(text.matchAll(UUID), (m) => [m.index, m.index + m[0].length]);
}

/**
 * The card numbers in a text, as [start, end) spans: maximal runs of digits with single spaces or
 * dashes between them, and the separator-free groups inside such a run; a run touching a letter, or
 * inside a UUID, is not one.
 */
export function cardNumberSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  if (text.length < MIN_DIGITS) return spans;
  // Found only once a run needs judging: most texts have none, and the collector checks every string it takes.
  let uuids: Array<[number, number]> | undefined;
  const inUuid = (at: number) => {
    uuids ??= uuidSpans(text);
    return uuids.some(([from, to]) => at >= from && at < to);
  };
  let i = 0;
  while (i < text.length) {
    if (!isDigit(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    let digits = "";
    let end = i;
    const groups: Array<[number, number]> = [];
    let groupStart = i;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (isDigit(c)) {
        digits += text[i];
        end = ++i;
        continue;
      }
      const separator = c === 32 || c === 45;
      if (separator && i + 1 < text.length && isDigit(text.charCodeAt(i + 1))) {
        groups.push([groupStart, i]);
        groupStart = ++i;
        continue;
      }
      break;
    }
    if ((start > 0 && isLetter(text.charCodeAt(start - 1))) || (end < text.length && isLetter(text.charCodeAt(end)))) {
      continue; // part of a word or an id ("tok4111…", "…5881e"), not a number written on its own
    }
    if (digits.length >= MIN_DIGITS && inUuid(start)) continue;
    if (isCardNumber(digits)) spans.push([start, end]);
    else if (groups.length > 0) {
      groups.push([groupStart, end]);
      for (const [from, to] of groups) if (isCardNumber(text.slice(from, to))) spans.push([from, to]);
    }
  }
  return spans;
}

/** An integer JSON number long enough to be a card number, as its digits. */
const integerDigits = (value: number): string | undefined =>
  Number.isSafeInteger(value) && value >= 10 ** (MIN_DIGITS - 1) ? String(value) : undefined;

const pointerKey = (key: string) => key.replaceAll("~", "~0").replaceAll("/", "~1");

/**
 * Where a card number is in a JSON value — in a string, an integer, or an object's key — as a JSON
 * pointer below `pointer`, or undefined.
 */
export function findCardNumber(value: unknown, pointer = "", depth = 0): string | undefined {
  if (typeof value === "string") return cardNumberSpans(value).length > 0 ? pointer || "/" : undefined;
  if (typeof value === "number") {
    const digits = integerDigits(value);
    return digits !== undefined && isCardNumber(digits) ? pointer || "/" : undefined;
  }
  if (value === null || typeof value !== "object") return undefined;
  if (depth >= MAX_DEPTH) return pointer;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findCardNumber(value[i], `${pointer}/${i}`, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    const at = `${pointer}/${pointerKey(key)}`;
    if (cardNumberSpans(key).length > 0) return at;
    const found = findCardNumber((value as Record<string, unknown>)[key], at, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Where an event carries a card number: anywhere in properties, traits or context (keys included;
 * the page URL and title are stored too). Ids and timestamps are validated fields of their own.
 */
export function findCardNumberInEvent(event: Readonly<Record<string, unknown>>): string | undefined {
  return (
    findCardNumber(event.properties, "/properties") ??
    findCardNumber(event.traits, "/traits") ??
    findCardNumber(event.context, "/context")
  );
}

const mask = (digits: string) => `[card number removed, ending ${digits.slice(-4)}]`;

/** A copy of a JSON value with every card number (in values and keys) replaced by a mask keeping its last 4 digits. */
export function redactCardNumbers(value: unknown, depth = 0): unknown {
  if (typeof value === "string") {
    const spans = cardNumberSpans(value);
    if (spans.length === 0) return value;
    let out = "";
    let at = 0;
    for (const [from, to] of spans) {
      out += value.slice(at, from) + mask(value.slice(from, to).replace(/[ -]/g, ""));
      at = to;
    }
    return out + value.slice(at);
  }
  if (typeof value === "number") {
    const digits = integerDigits(value);
    return digits !== undefined && isCardNumber(digits) ? mask(digits) : value;
  }
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "[removed: nested too deep to check for card numbers]";
  if (Array.isArray(value)) return value.map((item) => redactCardNumbers(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [redactCardNumbers(k, depth + 1) as string, redactCardNumbers(v, depth + 1)]),
  );
}
