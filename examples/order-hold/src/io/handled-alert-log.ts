import { type FileHandle, mkdir, open, readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import type { HandledAlerts } from "../core/handle-record.js";
import { IdWindow } from "../core/id-window.js";

export const HANDLED_ALERTS_FILE = "handled-alerts.log";

const ALERT_ID = /^[0-9a-f]{32}$/;

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * The persistent set of alert ids whose hold the shop accepted: an append-only file of one id per
 * line in the state directory, each append synced before `add` returns, read back at start. It keeps
 * the newest `capacity` ids; when the file holds twice that many lines it is rewritten (to a temporary
 * file, then renamed over, so a crash leaves either the old or the new file) with only those.
 *
 * One process per state directory: two consumers sharing one would each rewrite the other's file.
 */
export class HandledAlertLog implements HandledAlerts {
  readonly #window: IdWindow;
  readonly #path: string;
  #file: FileHandle;
  #lines: number;
  #queue: Promise<void> = Promise.resolve();

  private constructor(path: string, window: IdWindow, file: FileHandle, lines: number) {
    this.#path = path;
    this.#window = window;
    this.#file = file;
    this.#lines = lines;
  }

  static async open(stateDir: string, capacity: number): Promise<HandledAlertLog> {
    await mkdir(stateDir, { recursive: true });
    const path = join(stateDir, HANDLED_ALERTS_FILE);
    const window = new IdWindow(capacity);
    let lines = 0;
    const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return "";
      throw error;
    });
    for (const line of text.split("\n")) {
      // A crash mid-append can leave a torn last line. Its hold was accepted, but the id is lost: the
      // record was not committed either, so it is sent again and the shop dedups by Idempotency-Key.
      if (!ALERT_ID.test(line)) continue;
      window.add(line);
      lines += 1;
    }
    const log = new HandledAlertLog(path, window, await open(path, "a"), lines);
    if (lines > 2 * capacity || (text.length > 0 && !text.endsWith("\n"))) await log.#compact();
    return log;
  }

  get size(): number {
    return this.#window.size;
  }

  has(alertId: string): boolean {
    return this.#window.has(alertId);
  }

  add(alertId: string): Promise<void> {
    if (!ALERT_ID.test(alertId)) return Promise.reject(new TypeError(`not an alert id: ${alertId}`));
    const next = this.#queue.then(async () => {
      if (!this.#window.add(alertId)) return;
      await this.#file.appendFile(`${alertId}\n`);
      await this.#file.datasync();
      this.#lines += 1;
      if (this.#lines > 2 * this.#window.capacity) await this.#compact();
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.#queue;
    await this.#file.close();
  }

  async #compact(): Promise<void> {
    const ids = this.#window.values();
    const temporary = `${this.#path}.tmp`;
    const out = await open(temporary, "w");
    try {
      await out.writeFile(ids.length > 0 ? `${ids.join("\n")}\n` : "");
      await out.sync();
    } finally {
      await out.close();
    }
    await this.#file.close();
    await rename(temporary, this.#path);
    await fsyncDirectory(join(this.#path, ".."));
    this.#file = await open(this.#path, "a");
    this.#lines = ids.length;
  }
}
