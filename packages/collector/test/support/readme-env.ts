import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const readme = readFileSync(fileURLToPath(new URL("../../README.md", import.meta.url)), "utf8");

/**
 * The `NAME=value` lines of the README's example block marked `<!-- production-env: NAME -->`, so
 * that tests configure the collector exactly as the README tells an operator to.
 */
export function readmeEnv(name: string): Record<string, string> {
  const block = new RegExp(`<!-- production-env: ${name} -->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\``).exec(readme)?.[1];
  if (block === undefined) throw new Error(`README.md has no "production-env: ${name}" block`);
  return Object.fromEntries(
    block
      .split("\n")
      .map((line) => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim()))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => [match[1] as string, match[2] as string]),
  );
}
