import { CatalogueError } from "../errors.js";
import { type ParamSpec, parseParamDefault, parseParamType } from "./params.js";

/** What a question file's leading comment declares. */
export interface QuestionHeader {
  /** The first comment line: one line an analyst reads in `shop-query list`. */
  readonly description: string;
  readonly params: readonly ParamSpec[];
}

const PARAM = /^@param\s+([a-z][a-z0-9_]*)\s+(date|string|integer|enum\([^)]*\))(?:\s*=\s*(\S+))?\s+:\s+(\S.*)$/;
const NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Parses the leading `--` lines of a question:
 *
 * ```sql
 * -- Conversion funnel in sessions, by UTC day, channel and device.
 * -- Any further lines say why the query is written as it is.
 * -- @param from date = today-30 : First day (UTC), inclusive.
 * -- @param device enum(contract:ua_device_type) = null : Device type; all when unset.
 * ```
 *
 * The first line is the description. `@param name type [= default] : description`; no default means
 * required, `= null` optional (binds NULL). Throws CatalogueError naming the file and the line.
 */
export function parseQuestionHeader(file: string, text: string): QuestionHeader {
  const comments: string[] = [];
  for (const line of text.split("\n")) {
    if (/^\s*$/.test(line)) {
      if (comments.length > 0) break;
      continue;
    }
    const match = /^\s*--\s?(.*)$/.exec(line);
    if (!match) break;
    comments.push((match[1] ?? "").trimEnd());
  }
  const description = comments[0]?.trim() ?? "";
  if (description === "" || description.startsWith("@")) {
    throw new CatalogueError(`${file}: the first comment line must describe the question`);
  }
  const params: ParamSpec[] = [];
  comments.forEach((line, i) => {
    const trimmed = line.trim();
    if (!trimmed.startsWith("@")) return;
    const where = `${file}, header line ${i + 1}`;
    const match = PARAM.exec(trimmed);
    if (!match) {
      throw new CatalogueError(
        `${where}: expected "@param <name> <date|string|integer|enum(...)> [= default] : <description>", got ${JSON.stringify(trimmed)}`,
      );
    }
    const [, name = "", typeText = "", defaultText, paramDescription = ""] = match;
    if (params.some((p) => p.name === name)) throw new CatalogueError(`${where}: parameter ${name} declared twice`);
    const type = parseParamType(typeText, `${where} (${name})`);
    params.push({
      name,
      type,
      ...(defaultText !== undefined ? { default: parseParamDefault(type, defaultText, `${where} (${name})`) } : {}),
      description: paramDescription.trim(),
    });
  });
  return { description, params };
}

export const isQuestionName = (name: string): boolean => NAME.test(name);
