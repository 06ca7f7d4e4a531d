/// <reference types="node" />
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

// The README's React Router and Next.js recipes, type-checked against the built package (dist/*.d.ts,
// reached by the package's own name through its exports) with real React, React Router and Next.js
// types. (test/browser/nextjs.test.ts also builds and runs the Next.js recipe.)

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** The ```tsx blocks of the README section that starts at `heading`. */
async function blocksOf(heading: string): Promise<string[]> {
  const readme = await readFile(join(packageDir, "README.md"), "utf8");
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README.md has no "${heading}" section`);
  // Up to the next heading of the same level or above.
  const level = heading.split(" ")[0]?.length ?? 2;
  const rest = readme.slice(start + heading.length + 2);
  const end = rest.search(new RegExp(`\\n#{1,${level}} `));
  const section = end < 0 ? rest : rest.slice(0, end);
  return [...section.matchAll(/```tsx\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
}

/** A block's file: the path in its first-line comment (`// app/layout.tsx (...)`), else `fallback`. */
const fileOf = (block: string, fallback: string) => /^\/\/ (\S+\.tsx)/.exec(block)?.[1] ?? fallback;

async function typecheck(files: Record<string, string>): Promise<string> {
  // Inside the package, so "@shop/tracker/react" resolves to this build and "react" to its devDependency.
  const dir = await mkdtemp(join(packageDir, ".readme-check-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  const compilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    jsx: "react-jsx",
    module: "preserve",
    moduleResolution: "bundler",
    target: "es2022",
    lib: ["es2022", "dom"],
    types: ["node", "react"],
  };
  await writeFile(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["**/*.tsx", "**/*.ts"] }));
  const result = await promisify(execFile)(process.execPath, [tsc, "-p", dir]).catch((error) => error);
  return `${result.stdout ?? ""}`;
}

describe("README React recipes", () => {
  it("the React Router and Next.js App Router recipes type-check against the built package", async () => {
    const router = await blocksOf("### React Router");
    const next = await blocksOf("### Next.js (App Router)");
    expect(router.length).toBe(1);
    expect(next.length).toBe(3);
    const files: Record<string, string> = { "router/app.tsx": router[0] ?? "" };
    for (const [i, block] of next.entries()) files[`next/${fileOf(block, `block-${i}.tsx`)}`] = block;
    expect(await typecheck(files)).toBe("");
  });

  it("a wrong prop is an error (so the check above can fail)", async () => {
    const out = await typecheck({
      "wrong.tsx": `import { PageViews } from "@shop/tracker/react";\nexport const x = <PageViews pathname={42} />;\n`,
    });
    expect(out).toMatch(/wrong\.tsx.*error TS2322/);
  });

  it("the built React bindings are a client module (Next.js renders them from a server component tree)", async () => {
    const built = await readFile(join(packageDir, "dist", "react.js"), "utf8");
    expect(built.startsWith('"use client";')).toBe(true);
  });
});
