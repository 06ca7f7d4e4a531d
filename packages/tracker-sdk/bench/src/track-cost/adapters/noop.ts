import type { CostAdapter } from "../adapter.js";

let calls = 0;

/** The timing loop around an empty track(): what the measurement itself costs. */
export const adapter: CostAdapter = {
  async init() {},
  track: () => {
    calls += 1;
    return calls;
  },
};
