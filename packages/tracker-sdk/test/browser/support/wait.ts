/** Polls `probe` until it returns true; fails with `describe()` (what was seen) when time runs out. */
export async function waitUntil(
  probe: () => boolean | Promise<boolean>,
  {
    timeoutMs = 15_000,
    intervalMs = 50,
    describe = () => "",
  }: { timeoutMs?: number; intervalMs?: number; describe?: () => string } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms. ${describe()}`);
    await sleep(intervalMs);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
