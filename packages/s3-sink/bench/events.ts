/** Helpers shared by the benchmarks. The events themselves come from test/support/generated-events.ts. */
export { generateEvents, mskBatches } from "../test/support/generated-events.js";

/** CPU milliseconds of this process (user + system): with other work on the machine, wall time overstates the cost. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

export const median = (xs: readonly number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
