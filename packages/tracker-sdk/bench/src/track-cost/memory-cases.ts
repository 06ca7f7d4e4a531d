/** One case per process: a tracker left behind by an earlier case would blur the next heap figure. */
export const memoryCases = ["raised-never", "raised-status0", "defaults-never", "floor"] as const;
export type MemoryCase = (typeof memoryCases)[number];
