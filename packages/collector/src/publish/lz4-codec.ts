import kafkajs from "kafkajs";
import { compressFrame, decompressFrame } from "lz4-napi";

/**
 * kafkajs ships only gzip; Kafka's LZ4 is the standard LZ4 frame format, which lz4-napi (a Rust
 * binding with prebuilt binaries on npm) reads and writes. Registered process-wide, as kafkajs wants,
 * so kafkajs consumers in the same process read LZ4 batches too.
 */
export function registerKafkajsLz4(): void {
  // kafkajs exposes its codec table only on the CommonJS export object.
  kafkajs.CompressionCodecs[kafkajs.CompressionTypes.LZ4] = () => ({
    compress: (encoder: { buffer: Buffer }) => compressFrame(encoder.buffer),
    decompress: (buffer: Buffer) => decompressFrame(buffer),
  });
}
