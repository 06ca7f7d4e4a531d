#!/usr/bin/env node
import { parseArgs } from "node:util";
import { writeRunFiles } from "./labels.js";
import { runLoad } from "./simulate.js";

const usage = `usage: shop-load-generator [--host URL] [--write-key KEY] [--server-write-key KEY] [--shoppers N>0] [--seed INT]
  [--window-minutes M] [--live-seconds S] [--ramp] [--fraud-cases N] [--history-days D] [--run-tag TAG]
  [--labels FILE] [--acks FILE] [--storefront URL --browser-shoppers N [--browser-bots N]]

  --write-key         the shop's web source (browsers); default $SHOP_WRITE_KEY or demo-write-key
  --server-write-key  the shop's backend, a server-side source on the collector (COLLECTOR_SERVER_SOURCES):
                      its payment and order events carry the shopper's IP; default $SHOP_SERVER_WRITE_KEY
                      or demo-server-key
  --window-minutes    visits start spread over the M minutes before now, replayed at once in time order
  --live-seconds      and keep starting for S seconds after now, each event sent at its time
  --ramp              a ramp test: every shopper starts in the live part, arriving at a rate that rises
                      linearly from none to twice the average (needs --live-seconds)
  --fraud-cases       N cases of each fraud scenario (card_testing, account_takeover, bot_checkout) and of
                      each hard negative (big_spender, traveller, declined_once) mixed in
  --labels            write the ground truth (one case per line, JSON) here; score with shop-fraud-score
  --acks              write when the collector accepted each scored event (alert latency starts there)
  --storefront        the storefront's http:// URL (examples/storefront), for --browser-shoppers
  --browser-shoppers  during the live part, N shoppers at a time shop the storefront in headless Chromium
                      (a new one starts when one leaves); default 0 (no Chromium needed); needs
                      --storefront and --live-seconds
  --browser-bots      N checkout bots (bot_checkout cases, labelled fraud) through the storefront in headless
                      Chromium that says so, from the live part's middle; default 0

SIGINT or SIGTERM stops the run early: what was played is still sent (browser shoppers finish the page they are
on), and the files and the report are written (a fraud whose attack had not begun is left out of the labels); a
second SIGINT exits at once.`;

// Plain http: the browser shoppers' stand-in CDN (cdn.ts) forwards http only, as for a storefront on this machine.
const isHttpUrl = (value: string | undefined) =>
  value !== undefined && URL.canParse(value) && new URL(value).protocol === "http:";

const { values } = parseArgs({
  options: {
    host: {
      type: "string",
      default:
        process.env.COLLECTOR_URL ??
        `http://${process.env.COLLECTOR_HOST ?? "127.0.0.1"}:${process.env.COLLECTOR_PORT ?? "18080"}`,
    },
    "write-key": { type: "string", default: process.env.SHOP_WRITE_KEY ?? "demo-write-key" },
    "server-write-key": { type: "string", default: process.env.SHOP_SERVER_WRITE_KEY ?? "demo-server-key" },
    shoppers: { type: "string", default: "40" },
    seed: { type: "string", default: "42" },
    "window-minutes": { type: "string", default: "120" },
    "live-seconds": { type: "string", default: "0" },
    ramp: { type: "boolean", default: false },
    "fraud-cases": { type: "string", default: "0" },
    "history-days": { type: "string", default: "6" },
    "run-tag": { type: "string" },
    labels: { type: "string" },
    acks: { type: "string" },
    storefront: { type: "string" },
    "browser-shoppers": { type: "string", default: "0" },
    "browser-bots": { type: "string", default: "0" },
    help: { type: "boolean", default: false },
  },
});

const shoppers = Number(values.shoppers);
const seed = Number(values.seed);
const windowMinutes = Number(values["window-minutes"]);
const liveSeconds = Number(values["live-seconds"]);
const fraudCases = Number(values["fraud-cases"]);
const historyDays = Number(values["history-days"]);
const browserShoppers = Number(values["browser-shoppers"]);
const browserBots = Number(values["browser-bots"]);
const valid =
  Number.isInteger(shoppers) &&
  shoppers >= 0 &&
  Number.isInteger(seed) &&
  windowMinutes > 0 &&
  liveSeconds >= 0 &&
  (!values.ramp || liveSeconds > 0) &&
  Number.isInteger(fraudCases) &&
  fraudCases >= 0 &&
  // The lake sink dead-letters events more than 7 days late.
  historyDays >= 1 &&
  historyDays <= 6.5 &&
  Number.isInteger(browserShoppers) &&
  browserShoppers >= 0 &&
  Number.isInteger(browserBots) &&
  browserBots >= 0 &&
  (browserShoppers + browserBots === 0 || (liveSeconds > 0 && isHttpUrl(values.storefront)));
if (values.help || !valid) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}

const stop = new AbortController();
// SIGTERM always stops gracefully (a script may send it after the terminal's Ctrl-C reached the whole process group);
// a second SIGINT (Ctrl-C twice) exits at once.
process.on("SIGTERM", () => stop.abort());
process.on("SIGINT", () => {
  if (stop.signal.aborted) process.exit(130);
  stop.abort();
});

const run = await runLoad({
  host: values.host,
  writeKey: values["write-key"],
  serverWriteKey: values["server-write-key"],
  shoppers,
  seed,
  windowMs: windowMinutes * 60_000,
  liveMs: liveSeconds * 1000,
  ramp: values.ramp,
  fraudCases,
  historyDays,
  ...(values["run-tag"] ? { runTag: values["run-tag"] } : {}),
  play: { signal: stop.signal },
  ...(browserShoppers + browserBots > 0 && values.storefront
    ? { browserShoppers: { storefront: values.storefront, concurrency: browserShoppers, bots: browserBots } }
    : {}),
});
await writeRunFiles(run, { labels: values.labels, acks: values.acks });
console.log(JSON.stringify(run.report));
// A storefront that no shopper could get through (not running, wrong URL) fails the run too.
const browser = run.report.browser;
const browserFailed = browser !== undefined && browser.errors >= browser.shoppers + browser.bots.cases;
process.exit(run.report.dropped > 0 || browserFailed ? 1 : 0);
