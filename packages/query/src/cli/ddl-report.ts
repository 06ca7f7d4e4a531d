import type { DdlAction, DdlProgress, DdlStep } from "../ddl/apply.js";

const outcome: Record<DdlAction, (step: DdlStep) => string> = {
  create: () => "created",
  unchanged: () => "unchanged",
  add_columns: (step) => `columns added (${(step.added ?? []).join(", ")})`,
  recreate: () => "dropped and re-created (external table: the data stays in S3)",
  replace_view: () => "replaced",
};

/** `[ 3/13] fraud_alerts: columns added (rule_version)`: one line per step, printed when it is done. */
export function ddlStepLine(progress: DdlProgress): string {
  const width = String(progress.count).length;
  return `[${String(progress.index).padStart(width)}/${progress.count}] ${progress.step.name}: ${outcome[progress.step.action](progress.step)}`;
}

/** The closing line: how many steps of each kind ran against which database. */
export function ddlSummaryLine(steps: readonly DdlStep[], database: string): string {
  const counts = new Map<DdlAction, number>();
  for (const step of steps) counts.set(step.action, (counts.get(step.action) ?? 0) + 1);
  const labels: Record<DdlAction, string> = {
    create: "created",
    add_columns: "with columns added",
    unchanged: "unchanged",
    recreate: "re-created",
    replace_view: "views replaced",
  };
  const parts = (Object.keys(labels) as DdlAction[])
    .filter((action) => counts.has(action))
    .map((action) => `${counts.get(action)} ${labels[action]}`);
  return `${database}: ${steps.length} step(s) applied: ${parts.join(", ")}`;
}
