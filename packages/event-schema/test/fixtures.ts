import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const readJson = <T>(relativePath: string): T => JSON.parse(readFileSync(join(packageRoot, relativePath), "utf8")) as T;

export interface InvalidFixture {
  name: string;
  event: unknown;
  expect: { code: string; path?: string };
}
export const validFixtures =
  readJson<Array<{ name: string; event: Record<string, unknown> }>>("fixtures/wire/valid.json");
export const invalidFixtures = readJson<InvalidFixture[]>("fixtures/wire/invalid.json");
