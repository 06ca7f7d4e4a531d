import { describe, expect, it } from "vitest";
import { BatchCoalescer } from "../src/publish/coalescer.js";

/** A send we complete by hand, recording every batch and how many ran at once. */
function controlledSend() {
  const batches: number[][] = [];
  const pending: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  let running = 0;
  let maxRunning = 0;
  const send = (items: number[]) => {
    batches.push(items);
    running += 1;
    maxRunning = Math.max(maxRunning, running);
    return new Promise<void>((resolve, reject) => {
      pending.push({
        resolve: () => {
          running -= 1;
          resolve();
        },
        reject: (error) => {
          running -= 1;
          reject(error);
        },
      });
    });
  };
  return { send, batches, pending, maxRunning: () => maxRunning };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function collect(coalescer: BatchCoalescer<number>, items: number[], bytes = items.length) {
  const outcome: { settled?: unknown } = {};
  coalescer.add(items, bytes, (error) => {
    outcome.settled = error ?? "ok";
  });
  return outcome;
}

describe("BatchCoalescer", () => {
  it("merges what arrives within the linger into one batch", async () => {
    const io = controlledSend();
    const coalescer = new BatchCoalescer<number>({ lingerMs: 5, maxBatchBytes: 1000, send: io.send });
    const a = collect(coalescer, [1, 2]);
    const b = collect(coalescer, [3]);
    expect(io.batches).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(io.batches).toEqual([[1, 2, 3]]);
    io.pending[0]?.resolve();
    await tick();
    expect([a.settled, b.settled]).toEqual(["ok", "ok"]);
  });

  it("keeps one batch in flight and sends everything that queued meanwhile as the next one", async () => {
    const io = controlledSend();
    const coalescer = new BatchCoalescer<number>({ lingerMs: 0, maxBatchBytes: 1000, send: io.send });
    const first = collect(coalescer, [1]);
    const second = collect(coalescer, [2]);
    const third = collect(coalescer, [3]);
    expect(io.batches).toEqual([[1]]);
    io.pending[0]?.resolve();
    await tick();
    expect(first.settled).toBe("ok");
    expect(second.settled).toBeUndefined();
    expect(io.batches).toEqual([[1], [2, 3]]);
    io.pending[1]?.resolve();
    await tick();
    expect([second.settled, third.settled]).toEqual(["ok", "ok"]);
    expect(io.maxRunning()).toBe(1);
  });

  it("sends at once when the batch is full, and splits the queue at whole entries", async () => {
    const io = controlledSend();
    const coalescer = new BatchCoalescer<number>({ lingerMs: 10_000, maxBatchBytes: 4, send: io.send });
    collect(coalescer, [1, 2, 3]);
    expect(io.batches).toEqual([]);
    collect(coalescer, [4, 5]); // 5 bytes queued ≥ 4: no linger
    expect(io.batches).toEqual([[1, 2, 3]]);
    collect(coalescer, [6, 7, 8]); // 2 + 3 bytes would overfill the next batch
    io.pending[0]?.resolve();
    await tick();
    expect(io.batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    io.pending[1]?.resolve();
    await tick();
    expect(io.batches).toEqual([
      [1, 2, 3],
      [4, 5],
      [6, 7, 8],
    ]);
  });

  it("settles every entry of a failed batch with the error, and goes on with the next", async () => {
    const io = controlledSend();
    const coalescer = new BatchCoalescer<number>({ lingerMs: 0, maxBatchBytes: 1000, send: io.send });
    const a = collect(coalescer, [1]);
    const b = collect(coalescer, [2]);
    const c = collect(coalescer, [3]);
    const broken = new Error("broker gone");
    io.pending[0]?.reject(broken);
    await tick();
    expect(a.settled).toBe(broken);
    io.pending[1]?.reject(broken);
    await tick();
    expect([b.settled, c.settled]).toEqual([broken, broken]);
    const d = collect(coalescer, [4]);
    io.pending[2]?.resolve();
    await tick();
    expect(d.settled).toBe("ok");
  });

  it("drain() sends without waiting for the linger and resolves when nothing is left", async () => {
    const io = controlledSend();
    const coalescer = new BatchCoalescer<number>({ lingerMs: 60_000, maxBatchBytes: 1000, send: io.send });
    const a = collect(coalescer, [1]);
    let drained = false;
    const draining = coalescer.drain().then(() => {
      drained = true;
    });
    expect(io.batches).toEqual([[1]]);
    await tick();
    expect(drained).toBe(false);
    io.pending[0]?.resolve();
    await draining;
    expect(a.settled).toBe("ok");
    await coalescer.drain(); // idle: resolves at once
  });

  describe("lingerEveryBatch", () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const lingering = (io: ReturnType<typeof controlledSend>, maxBatchBytes = 1000) =>
      new BatchCoalescer<number>({ lingerMs: 60, maxBatchBytes, lingerEveryBatch: true, send: io.send });

    it("holds a batch that queued behind one in flight until its first record has lingered", async () => {
      const io = controlledSend();
      const coalescer = lingering(io);
      collect(coalescer, [1]);
      await sleep(90);
      expect(io.batches).toEqual([[1]]);
      const second = collect(coalescer, [2]);
      io.pending[0]?.resolve();
      await sleep(10);
      expect(io.batches).toEqual([[1]]); // without the option [2] would have left with the answer
      collect(coalescer, [3]);
      await sleep(90);
      expect(io.batches).toEqual([[1], [2, 3]]);
      io.pending[1]?.resolve();
      await tick();
      expect(second.settled).toBe("ok");
    });

    it("sends at once what has already lingered while the batch before it was in flight", async () => {
      const io = controlledSend();
      const coalescer = lingering(io);
      collect(coalescer, [1]);
      await sleep(90);
      collect(coalescer, [2]);
      await sleep(90);
      io.pending[0]?.resolve();
      await tick();
      await tick();
      expect(io.batches).toEqual([[1], [2]]);
    });

    it("does not hold a full batch, nor anything once drain() was called", async () => {
      const io = controlledSend();
      const coalescer = lingering(io, 4);
      collect(coalescer, [1, 2, 3, 4]);
      expect(io.batches).toEqual([[1, 2, 3, 4]]);
      collect(coalescer, [5]);
      const draining = coalescer.drain();
      io.pending[0]?.resolve();
      await tick();
      await tick();
      expect(io.batches).toEqual([[1, 2, 3, 4], [5]]);
      io.pending[1]?.resolve();
      await draining;
    });
  });
});
