import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { zstdCompress } from "../../src/parquet/zstd.js";
import { prng } from "../support/generated-events.js";

/**
 * The sink's page codec, read back by a second, independent zstd (Node's built-in): what a Parquet
 * reader gets must be one standard frame per page. DuckDB, arrow-rs and Spark read whole sink files
 * in sink-file.test.ts and the Spark integration test.
 */
describe("zstdCompress", () => {
  const random = prng(3);
  const pages = [
    new Uint8Array(0),
    new TextEncoder().encode("a"),
    new TextEncoder().encode(JSON.stringify({ event_name: "Order Completed", currency: "BRL" }).repeat(400)),
    Uint8Array.from({ length: 70_000 }, () => Math.floor(random() * 256)), // incompressible
    new Uint8Array(1 << 20).fill(7), // a full page of one value
  ];

  it.each(pages.map((page) => [page.byteLength, page] as const))("round-trips a %i-byte page", (_, page) => {
    expect(Buffer.compare(zlib.zstdDecompressSync(zstdCompress(page)), page)).toBe(0);
  });

  it("writes one frame per call, with its content size (the same bytes for the same page)", () => {
    const page = pages[2] as Uint8Array;
    const frame = zstdCompress(page);
    expect(frame.subarray(0, 4)).toEqual(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]));
    expect(frame.byteLength).toBeLessThan(page.byteLength / 10);
    expect(zstdCompress(page)).toEqual(frame);
    // Frame_Header_Descriptor: Frame_Content_Size_flag (top two bits) or Single_Segment_flag set.
    expect((frame[4] as number) & 0xe0).not.toBe(0);
  });
});
