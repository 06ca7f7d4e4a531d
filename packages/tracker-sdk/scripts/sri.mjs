/**
 * Hashes for a Content-Security-Policy and Subresource Integrity, computed from the built files:
 *
 *   node scripts/sri.mjs                      integrity of dist/shop-tracker.iife.js (sha384), as a <script> tag
 *   node scripts/sri.mjs --inline page.js     CSP source ('sha256-…') of an inline <script>'s exact text
 *
 * A hash is of the bytes served, so compute it from the published file, never copy one from a README:
 * any rebuild changes it.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const digest = (algorithm, bytes) => `${algorithm}-${createHash(algorithm).update(bytes).digest("base64")}`;

if (args[0] === "--inline") {
  if (!args[1]) throw new Error("usage: node scripts/sri.mjs --inline <file with the inline script's text>");
  // The browser hashes the text between <script> and </script>, whitespace included.
  console.log(`'${digest("sha256", readFileSync(args[1]))}'`);
} else {
  const file = args[0] ?? new URL("../dist/shop-tracker.iife.js", import.meta.url);
  const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  const integrity = digest("sha384", readFileSync(file));
  console.log(integrity);
  console.log(
    `<script src="https://cdn.example.com/@shop/tracker@${version}/dist/shop-tracker.iife.js" integrity="${integrity}" crossorigin="anonymous" defer></script>`,
  );
}
