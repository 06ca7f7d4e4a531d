import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(require.resolve(`@shop/event-schema/fixtures/wire/${name}`), "utf8")) as T;

/** The event contract's shared wire fixtures, also used by the Python tests. */
export const validFixtures = fixture<Array<{ event: Record<string, unknown> }>>("valid.json");
export const invalidFixtures = fixture<Array<{ event: unknown; expect: { code: string } }>>("invalid.json");
