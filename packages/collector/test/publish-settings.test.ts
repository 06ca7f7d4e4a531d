import { describe, expect, it } from "vitest";
import { publisherOptionsFrom } from "../src/publish/create-publisher.js";
import { devConfig, problemsOf } from "./setup-app.js";

describe("publisher settings", () => {
  it("defaults to @platformatic/kafka, LZ4, a 20 ms linger and a 64 MiB in-flight bound", () => {
    const config = devConfig({});
    expect(config).toMatchObject({
      kafkaClient: "platformatic",
      kafkaCompression: "lz4",
      kafkaLingerMs: 20,
      kafkaBatchBytes: 1024 * 1024,
      maxInFlightBytes: 64 * 1024 * 1024,
    });
    expect(publisherOptionsFrom(config)).toMatchObject({ timeoutMs: config.publishTimeoutMs, compression: "lz4" });
  });

  it("reads every setting from the environment", () => {
    const config = devConfig({
      COLLECTOR_KAFKA_CLIENT: "KafkaJS",
      COLLECTOR_KAFKA_LINGER_MS: "0",
      COLLECTOR_KAFKA_COMPRESSION: "lz4",
      COLLECTOR_KAFKA_BATCH_BYTES: "65536",
      COLLECTOR_MAX_INFLIGHT_BYTES: "1048576",
    });
    expect(config).toMatchObject({
      kafkaClient: "kafkajs",
      kafkaLingerMs: 0,
      kafkaCompression: "lz4",
      kafkaBatchBytes: 65536,
      maxInFlightBytes: 1048576,
    });
  });

  it("lists every bad setting at once", () => {
    expect(
      problemsOf({
        COLLECTOR_KAFKA_CLIENT: "rdkafka",
        COLLECTOR_KAFKA_LINGER_MS: "-1",
        COLLECTOR_MAX_INFLIGHT_BYTES: "lots",
      }),
    ).toEqual(
      expect.arrayContaining([
        expect.stringContaining("COLLECTOR_KAFKA_CLIENT must be one of platformatic, librdkafka, kafkajs"),
        expect.stringContaining("COLLECTOR_KAFKA_LINGER_MS"),
        expect.stringContaining("COLLECTOR_MAX_INFLIGHT_BYTES"),
      ]),
    );
  });

  it("refuses zstd with kafkajs, which has no zstd codec here", () => {
    expect(() => devConfig({ COLLECTOR_KAFKA_CLIENT: "kafkajs", COLLECTOR_KAFKA_COMPRESSION: "zstd" })).toThrow(
      /zstd needs COLLECTOR_KAFKA_CLIENT=librdkafka or platformatic/,
    );
    expect(devConfig({ COLLECTOR_KAFKA_CLIENT: "platformatic", COLLECTOR_KAFKA_COMPRESSION: "zstd" })).toMatchObject({
      kafkaClient: "platformatic",
      kafkaCompression: "zstd",
    });
  });
});
