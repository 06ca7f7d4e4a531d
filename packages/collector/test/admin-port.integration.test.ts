import { describe, expect, it } from "vitest";
import { stackEnv } from "./stack-env.js";
import { startCollectorProcess } from "./support/collector-process.js";
import { freePort } from "./support/free-port.js";

const env = stackEnv();

describe("the admin port (COLLECTOR_ADMIN_PORT)", () => {
  it("serves /metrics there only: the public port answers 404 for it", async () => {
    const adminPort = await freePort();
    const collector = await startCollectorProcess({
      KAFKA_BROKERS: env.KAFKA_BROKERS,
      COLLECTOR_WRITE_KEYS: "wk=web",
      COLLECTOR_ADMIN_PORT: String(adminPort),
    });
    try {
      const publicMetrics = await fetch(`${collector.url}/metrics`);
      expect(publicMetrics.status).toBe(404);
      expect(((await publicMetrics.json()) as { error: { code: string } }).error.code).toBe("not_found");
      const admin = await fetch(`http://127.0.0.1:${adminPort}/metrics`);
      expect(admin.status).toBe(200);
      const text = await admin.text();
      expect(text).toContain('collector_events_accepted_total{source_id="web"} 0');
      expect(text).toContain("process_cpu_seconds_total");
      expect((await fetch(`http://127.0.0.1:${adminPort}/v1/batch`)).status).toBe(404);
      expect(collector.output()).toContain('"msg":"admin port: /metrics served here only"');
    } finally {
      await collector.stop();
    }
    expect(await collector.exited).toBe(0);
  });
});
