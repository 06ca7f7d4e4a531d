import kafkajs from "kafkajs";
import { compressFrame, decompressFrame } from "lz4-napi";

/**
 * The collector compresses its records with LZ4 (its producer default, chosen for the broker's CPU:
 * packages/collector/bench/README.md); kafkajs reads only gzip by itself. Kafka's LZ4 is the standard
 * frame format, which lz4-napi reads. kafkajs keeps codecs in one process-wide table, on its CommonJS
 * export. (In Lambda, the MSK trigger decompresses before the handler sees a record.)
 */
export function registerLz4Codec(): void {
  kafkajs.CompressionCodecs[kafkajs.CompressionTypes.LZ4] = () => ({
    compress: (encoder: { buffer: Buffer }) => compressFrame(encoder.buffer),
    decompress: (buffer: Buffer) => decompressFrame(buffer),
  });
}
