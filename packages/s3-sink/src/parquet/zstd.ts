import zstd from "zstd-napi";

/**
 * ZSTD for Parquet pages, through the native zstd library (zstd-napi builds it from its bundled
 * sources). Level 1, as arrow-rs and parquet-mr default to: on sink pages level 3 made files 5%
 * smaller at 1.7x the CPU, and the files are compacted within hours anyway.
 *
 * Not Node's built-in zstd (`node:zlib`, Node ≥ 22.15), although it would leave the sink without native
 * code: its sync API makes a new compression context for every call, and the sink compresses one frame
 * per page. bench/zstd.bench.ts (Node 24.22.3, zstd 1.5.7 built in; both in one process, 15 interleaved
 * rounds, the pages of real sink files), MB of pages per CPU-second, median, and ratio:
 *   10,000-record batches (35 KB pages): zstd-napi 1,232, built-in 814 (+52% CPU per round), both 12.1x
 *   100-record batches (0.7 KB pages):   zstd-napi 240,   built-in 34 (+607% CPU per round), both 5.46x
 * Worth measuring again when node:zlib can reuse a context synchronously.
 */
export const ZSTD_LEVEL = 1;

let compressor: zstd.Compressor | undefined;

/** One ZSTD frame of `bytes`. The compressor (its context) is made once and reused. */
export function zstdCompress(bytes: Uint8Array): Buffer {
  if (compressor === undefined) {
    compressor = new zstd.Compressor();
    compressor.setParameters({ compressionLevel: ZSTD_LEVEL });
  }
  return compressor.compress(bytes);
}
