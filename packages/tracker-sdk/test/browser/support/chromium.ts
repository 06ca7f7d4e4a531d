// The launcher lives in @shop/chromium so that the load generator's browser shoppers (runtime code, not a
// test) use the same flags; the browser suites keep importing it from here.
export { ChromiumMissingError, chromiumArgs, chromiumPath, launchChromium } from "@shop/chromium";
