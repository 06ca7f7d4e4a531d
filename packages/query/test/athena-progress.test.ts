import { describe, expect, it } from "vitest";
import { createTtyProgress, formatProgressLine } from "../src/engine/athena/progress.js";

const progress = { queryExecutionId: "q", state: "RUNNING", elapsedMs: 3_250, bytesScanned: 5 * 1024 ** 2 };

describe("the TTY progress line", () => {
  it("rewrites one line in place on a terminal and clears it when done", () => {
    const written: string[] = [];
    const renderer = createTtyProgress({ isTTY: true, write: (text: string) => written.push(text) });
    renderer.onProgress(progress);
    renderer.onProgress({ ...progress, state: "SUCCEEDED", elapsedMs: 4_000 });
    renderer.done();
    expect(written).toEqual([
      "\rathena running 3.3 s, 5.00 MB scanned\x1b[K",
      "\rathena succeeded 4.0 s, 5.00 MB scanned\x1b[K",
      "\r\x1b[K",
    ]);
  });

  it("writes nothing when stderr is not a terminal", () => {
    const written: string[] = [];
    const renderer = createTtyProgress({ isTTY: false, write: (text: string) => written.push(text) });
    renderer.onProgress(progress);
    renderer.done();
    expect(written).toEqual([]);
  });

  it("done() without any progress writes nothing", () => {
    const written: string[] = [];
    createTtyProgress({ isTTY: true, write: (text: string) => written.push(text) }).done();
    expect(written).toEqual([]);
    expect(formatProgressLine({ ...progress, state: "QUEUED", bytesScanned: 0 })).toBe(
      "athena queued 3.3 s, 0 B scanned",
    );
  });
});
