/**
 * ZSTD benchmark: the sink's page compression (`zstdCompress`, the `zstd-napi` addon) beside Node's
 * built-in `node:zlib` zstd (since Node 22.15), on exactly what the sink compresses: the uncompressed
 * data pages of real sink files (generated events → MSK batches → planBatch → encodeSinkFile, each
 * file's pages read back from its page headers and decompressed), at the sink's level, one frame per
 * page, for a large batch (10,000 records, the MSK maximum) and a small one (100, the trigger's default).
 *
 * Both codecs run in one process, interleaved pass for pass, the order swapped every round: this
 * machine's speed drifts by 30–45% for seconds at a time, and a slow spell then slows both sides of a
 * round. Prints, per batch size, MB/s of uncompressed page bytes per CPU-second (median and best pass)
 * and per wall second, the compression ratio, and the median and range of the per-round CPU-time ratios
 * (the steadier figure). Each side's frames are decompressed by the other side and compared first.
 *
 *   pnpm --filter @shop/s3-sink bench:zstd [--events 20000 --batches 10000,100 --rounds 15]
 */
import os from "node:os";
import { parseArgs } from "node:util";
import zlib from "node:zlib";
import zstd from "zstd-napi";
import { PlanWorkspace } from "../src/columnar/storage-row-batch.js";
import { planBatch } from "../src/core/batch-plan.js";
import { createRecordDecoder } from "../src/core/decode.js";
import { createRecordScanner } from "../src/core/record-scanner.js";
import { encodeSinkFile } from "../src/parquet/sink-file.js";
import { ZSTD_LEVEL, zstdCompress } from "../src/parquet/zstd.js";
import { cpuMs, generateEvents, median, mskBatches } from "./events.js";

const args = process.argv.slice(2).filter((a) => a !== "--");
const { values } = parseArgs({
  args,
  options: {
    events: { type: "string", default: "20000" },
    batches: { type: "string", default: "10000,100" },
    rounds: { type: "string", default: "15" },
  },
});
const eventCount = Number(values.events);
const batchSizes = (values.batches ?? "").split(",").map(Number);
const rounds = Number(values.rounds);
/** Each timed pass compresses the pages this many times over, so that a pass lasts tens of ms. */
const MIN_PASS_BYTES = 24 << 20;

interface Codec {
  readonly name: string;
  readonly compress: (page: Uint8Array) => Uint8Array;
  readonly decompress: (frame: Uint8Array) => Uint8Array;
}

/** What the sink runs: src/parquet/zstd.ts (zstd-napi, one compression context reused). */
const addon: Codec = {
  name: "zstd-napi (the sink's zstdCompress)",
  compress: zstdCompress,
  decompress: zstd.decompress,
};

/**
 * Node's built-in at the same level. Its sync API makes a compression context per call; there is no
 * way to keep one (a zlib stream's `_processChunk` closes its handle after the frame's end).
 */
const builtInOptions = { params: { [zlib.constants.ZSTD_c_compressionLevel]: ZSTD_LEVEL } };
const builtIn: Codec = {
  name: "node:zlib zstdCompressSync (built-in)",
  compress: (page) => zlib.zstdCompressSync(page, builtInOptions),
  decompress: (frame) => zlib.zstdDecompressSync(frame),
};

/** A minimal Thrift compact-protocol reader: enough to read a PageHeader's sizes and skip the rest. */
class CompactReader {
  constructor(
    private readonly bytes: Uint8Array,
    public at: number,
  ) {}
  private byte(): number {
    return this.bytes[this.at++] as number;
  }
  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
    }
  }
  zigzag(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }
  /** Reads a struct; returns its top-level integer fields by id. */
  struct(): Map<number, number> {
    const ints = new Map<number, number>();
    let id = 0;
    for (;;) {
      const header = this.byte();
      if (header === 0) return ints;
      const delta = header >> 4;
      const type = header & 0x0f;
      id = delta === 0 ? this.zigzag() : id + delta;
      if (type >= 3 && type <= 6) ints.set(id, this.zigzag());
      else this.skip(type);
    }
  }
  private skip(type: number): void {
    switch (type) {
      case 1:
      case 2:
        return; // booleans live in the field header
      case 3:
        this.at += 1;
        return;
      case 4:
      case 5:
      case 6:
        this.zigzag();
        return;
      case 7:
        this.at += 8;
        return;
      case 8:
        this.at += this.varint();
        return;
      case 9:
      case 10: {
        const head = this.byte();
        const size = head >> 4 === 15 ? this.varint() : head >> 4;
        for (let i = 0; i < size; i++) this.skip((head & 0x0f) === 1 || (head & 0x0f) === 2 ? 3 : head & 0x0f);
        return;
      }
      case 11: {
        const size = this.varint();
        if (size === 0) return;
        const kv = this.byte();
        for (let i = 0; i < size; i++) {
          this.skip(kv >> 4);
          this.skip(kv & 0x0f);
        }
        return;
      }
      case 12:
        this.struct();
        return;
      default:
        throw new Error(`thrift compact type ${type} at ${this.at}`);
    }
  }
}

/** The uncompressed data pages of one sink file: every page between the magic and the footer. */
function pagesOf(file: Uint8Array): Uint8Array[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const footerStart = file.byteLength - 8 - view.getUint32(file.byteLength - 8, true);
  const pages: Uint8Array[] = [];
  let at = 4;
  while (at < footerStart) {
    const reader = new CompactReader(file, at);
    const header = reader.struct();
    const uncompressed = header.get(2) ?? -1;
    const compressed = header.get(3) ?? -1;
    const page = zlib.zstdDecompressSync(file.subarray(reader.at, reader.at + compressed));
    if (page.byteLength !== uncompressed)
      throw new Error(`page of ${page.byteLength} bytes, header says ${uncompressed}`);
    pages.push(page);
    at = reader.at + compressed;
  }
  if (at !== footerStart) throw new Error("pages do not end where the footer starts");
  return pages;
}

/** What the sink compresses for these events in batches of `batchSize`: every page of every file. */
function sinkPages(texts: readonly string[], batchSize: number): { pages: Uint8Array[]; files: number } {
  const decode = createRecordDecoder();
  const scanner = createRecordScanner();
  const workspace = new PlanWorkspace();
  const partitioning = { lateEventBoundMs: 7 * 86_400_000, futureEventBoundMs: 15 * 60_000 };
  const pages: Uint8Array[] = [];
  let files = 0;
  for (const event of mskBatches(texts, batchSize)) {
    for (const plan of planBatch(event, { decode, scanner, prefix: "bench", partitioning, workspace })) {
      for (const object of plan.objects) {
        if (object.kind !== "data")
          throw new Error(`unexpected dead letters: ${object.deadLetters[0]?.reason.message}`);
        pages.push(...pagesOf(encodeSinkFile(object.rows)));
        files += 1;
      }
    }
  }
  return { pages, files };
}

interface Pass {
  cpuMs: number;
  wallMs: number;
  bytesIn: number;
  bytesOut: number;
}

function pass(codec: Codec, pages: readonly Uint8Array[], repeat: number): Pass {
  let bytesIn = 0;
  let bytesOut = 0;
  const wall = performance.now();
  const cpu = cpuMs();
  for (let r = 0; r < repeat; r++) {
    for (const page of pages) {
      bytesIn += page.byteLength;
      bytesOut += codec.compress(page).byteLength;
    }
  }
  return { cpuMs: cpuMs() - cpu, wallMs: performance.now() - wall, bytesIn, bytesOut };
}

/** Each side's frames decompress, by the other side too, to the very page. */
function checkRoundTrip(codecs: readonly Codec[], pages: readonly Uint8Array[]): void {
  for (const page of pages) {
    for (const writer of codecs) {
      const frame = writer.compress(page);
      for (const reader of codecs) {
        if (Buffer.compare(reader.decompress(frame), page) !== 0)
          throw new Error(`${reader.name} does not read back what ${writer.name} wrote`);
      }
    }
  }
}

const codecs = [addon, builtIn];
const texts = generateEvents(eventCount);
const mb = (bytes: number) => bytes / 1_000_000;
const signed = (ratio: number) => `${ratio >= 1 ? "+" : ""}${((ratio - 1) * 100).toFixed(1)}%`;
const results = [];

for (const batchSize of batchSizes) {
  const { pages, files } = sinkPages(texts, batchSize);
  const pageBytes = pages.reduce((n, p) => n + p.byteLength, 0);
  checkRoundTrip(codecs, pages);
  const repeat = Math.max(1, Math.ceil(MIN_PASS_BYTES / pageBytes));
  for (const codec of codecs) pass(codec, pages, repeat); // warm-up
  const passes = new Map<Codec, Pass[]>(codecs.map((c) => [c, []]));
  /** Per round: the built-in's CPU time over the addon's. */
  const roundRatios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? codecs : [...codecs].reverse();
    const timed = new Map(order.map((codec) => [codec, pass(codec, pages, repeat)] as const));
    for (const [codec, p] of timed) passes.get(codec)?.push(p);
    roundRatios.push((timed.get(builtIn) as Pass).cpuMs / (timed.get(addon) as Pass).cpuMs);
  }
  const sides = codecs.map((codec) => {
    const list = passes.get(codec) as Pass[];
    const first = list[0] as Pass;
    return {
      codec: codec.name,
      mbPerCpuSecond: {
        median: +(mb(first.bytesIn) / (median(list.map((p) => p.cpuMs)) / 1000)).toFixed(1),
        best: +(mb(first.bytesIn) / (Math.min(...list.map((p) => p.cpuMs)) / 1000)).toFixed(1),
      },
      mbPerWallSecondMedian: +(mb(first.bytesIn) / (median(list.map((p) => p.wallMs)) / 1000)).toFixed(1),
      ratio: +(first.bytesIn / first.bytesOut).toFixed(2),
      compressedBytes: first.bytesOut / repeat,
    };
  });
  results.push({
    batchSize,
    files,
    pages: pages.length,
    uncompressedPageBytes: pageBytes,
    meanPageBytes: Math.round(pageBytes / pages.length),
    passesPerSide: rounds,
    pagesCompressedPerPass: pages.length * repeat,
    sides,
    // The steadier figure: both codecs in the same round, so a slow spell slows both.
    builtInCpuTimeVsAddon: {
      median: `${signed(median(roundRatios))}`,
      range: `${signed(Math.min(...roundRatios))} … ${signed(Math.max(...roundRatios))}`,
    },
  });
}

console.log(
  JSON.stringify(
    {
      node: process.version,
      zstdVersionBuiltIn: process.versions.zstd,
      level: ZSTD_LEVEL,
      events: eventCount,
      rounds,
      loadAverage1m: +(os.loadavg()[0] ?? 0).toFixed(2),
      cpus: os.cpus().length,
      results,
    },
    null,
    2,
  ),
);
