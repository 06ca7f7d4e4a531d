import { type FileHandle, mkdir, open } from "node:fs/promises";
import { join } from "node:path";
import type { DeadLetter, DeadLetterSink } from "../core/handle-record.js";

export const DEAD_LETTER_FILE = "dead-letter.jsonl";

/** Holds the shop refused (a 4xx), one JSON object per line, synced before the record is committed. */
export class DeadLetterFile implements DeadLetterSink {
  readonly #file: FileHandle;
  #queue: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    file: FileHandle,
  ) {
    this.#file = file;
  }

  static async open(stateDir: string): Promise<DeadLetterFile> {
    await mkdir(stateDir, { recursive: true });
    const path = join(stateDir, DEAD_LETTER_FILE);
    return new DeadLetterFile(path, await open(path, "a"));
  }

  write(entry: DeadLetter): Promise<void> {
    const next = this.#queue.then(async () => {
      await this.#file.appendFile(`${JSON.stringify(entry)}\n`);
      await this.#file.datasync();
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.#queue;
    await this.#file.close();
  }
}
