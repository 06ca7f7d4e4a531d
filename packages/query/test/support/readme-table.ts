import { loadCatalogue } from "../../src/catalogue/catalogue.js";
import { defaultLabel, typeLabel } from "../../src/catalogue/params.js";

/** The README's catalogue table, rendered from the question files (test/readme.test.ts keeps it true). */
export function catalogueTable(): string {
  const rows = loadCatalogue().map((q) => {
    const params = q.params.map((p) => `\`${p.name}\` ${typeLabel(p.type)} = ${defaultLabel(p)}`).join("<br>");
    return `| \`${q.name}\` | ${q.description.replaceAll("|", "\\|")} | ${params.replaceAll("|", "\\|")} |`;
  });
  return ["| question | what it answers | parameters (type = default) |", "| --- | --- | --- |", ...rows].join("\n");
}
