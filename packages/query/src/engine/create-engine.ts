import { AthenaClient } from "@aws-sdk/client-athena";
import { S3Client } from "@aws-sdk/client-s3";
import { athenaClientConfig, type EngineConfig, s3ClientConfig } from "../config.js";
import { type AthenaEngine, createAthenaEngine } from "./athena/athena-engine.js";
import type { ProgressListener } from "./athena/progress.js";
import { createLocalEngine, type LocalEngine } from "./local/local-engine.js";

export interface CreateEngineOptions {
  /** Athena only: aborting stops the running query (wire Ctrl-C here). */
  readonly signal?: AbortSignal;
  /** Athena only: called after every poll (see createTtyProgress). */
  readonly onProgress?: ProgressListener;
}

export type CreatedEngine = ({ readonly kind: "local" } & LocalEngine) | ({ readonly kind: "athena" } & AthenaEngine);

/**
 * The engine the configuration chose, with its own SDK client: `close()` closes the engine and destroys
 * the client. `kind` tells a caller which extras it has (the local engine's sync report, Athena's cost).
 */
export async function createEngine(config: EngineConfig, options: CreateEngineOptions = {}): Promise<CreatedEngine> {
  if (config.kind === "athena") {
    const { athena } = config;
    const client = new AthenaClient(athenaClientConfig(athena));
    const engine = createAthenaEngine({
      client,
      workGroup: athena.workGroup,
      database: athena.database,
      pricing: athena.pricing,
      ...(athena.outputLocation ? { outputLocation: athena.outputLocation } : {}),
      ...(athena.timeoutMs === undefined ? {} : { timeoutMs: athena.timeoutMs }),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    const closeEngine = engine.close;
    return Object.assign(engine, {
      kind: "athena" as const,
      close: async () => {
        await closeEngine();
        client.destroy();
      },
    });
  }
  const { local } = config;
  const s3 = new S3Client(s3ClientConfig(local.s3));
  try {
    const engine = await createLocalEngine({
      s3,
      bucket: local.bucket,
      prefix: local.prefix,
      cacheDir: local.cacheDir,
      dates: local.dates,
    });
    const close = engine.close.bind(engine);
    return Object.assign(engine, {
      kind: "local" as const,
      close: async () => {
        try {
          await close();
        } finally {
          s3.destroy();
        }
      },
    });
  } catch (error) {
    s3.destroy();
    throw error;
  }
}
