/**
 * `pnpm run bench`: bundle sizes, track() cost and offline-queue memory of @shop/tracker, each next
 * to its baseline (the peer SDKs, an empty call, plain objects) measured in the same run. Prints
 * figures; asserts nothing about timings.
 */
import { measureSizes, printSizes } from "./size/run.js";
import { measureCost, measureMemory, printCost, printMemory } from "./track-cost/run.js";

const started = performance.now();
console.log("# @shop/tracker benchmarks");
const sizes = await measureSizes();
printSizes(sizes.rows, sizes.notes);
printCost(await measureCost());
printMemory(await measureMemory());
console.log(`\nbench finished in ${((performance.now() - started) / 1000).toFixed(0)} s`);
