import { appendFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IdWindow } from "../src/core/id-window.js";
import { HANDLED_ALERTS_FILE, HandledAlertLog } from "../src/io/handled-alert-log.js";
import { alertIdFor } from "./support/alerts.js";

const ids = (n: number, label = "e") => Array.from({ length: n }, (_, i) => alertIdFor(`${label}-${i}`));

describe("IdWindow", () => {
  it("remembers at most its capacity, forgetting the oldest first", () => {
    const window = new IdWindow(3);
    expect(["a", "b", "c", "d"].map((id) => window.add(id))).toEqual([true, true, true, true]);
    expect(window.values()).toEqual(["b", "c", "d"]);
    expect(window.has("a")).toBe(false);
    expect(window.add("c")).toBe(false);
    expect(window.size).toBe(3);
  });

  it("refuses a capacity below one", () => {
    expect(() => new IdWindow(0)).toThrow(RangeError);
  });
});

describe("HandledAlertLog (the persistent set of handled alert ids)", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "order-hold-log-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("remembers ids across a restart, once each", async () => {
    const [a, b] = ids(2);
    const first = await HandledAlertLog.open(dir, 100);
    await first.add(a as string);
    await first.add(b as string);
    await first.add(a as string);
    await first.close();

    const second = await HandledAlertLog.open(dir, 100);
    expect(second.has(a as string)).toBe(true);
    expect(second.has(b as string)).toBe(true);
    expect(second.has(alertIdFor("never"))).toBe(false);
    expect(second.size).toBe(2);
    await second.close();
    expect((await readFile(join(dir, HANDLED_ALERTS_FILE), "utf8")).split("\n")).toEqual([a, b, ""]);
  });

  it("stays bounded: keeps the newest ids and rewrites the file when it doubles", async () => {
    const all = ids(250);
    const log = await HandledAlertLog.open(dir, 100);
    for (const id of all) await log.add(id);
    expect(log.size).toBe(100);
    expect(log.has(all[0] as string)).toBe(false);
    expect(log.has(all[249] as string)).toBe(true);
    await log.close();

    const lines = (await readFile(join(dir, HANDLED_ALERTS_FILE), "utf8")).trim().split("\n");
    expect(lines.length).toBeLessThanOrEqual(200);
    expect(lines.at(-1)).toBe(all[249]);
    const reopened = await HandledAlertLog.open(dir, 100);
    expect(reopened.size).toBe(100);
    expect(reopened.has(all[150] as string)).toBe(true);
    expect(reopened.has(all[149] as string)).toBe(false);
    await reopened.close();
  });

  it("ignores a torn last line left by a crash mid-append, and appends cleanly after it", async () => {
    const [a, b] = ids(2, "torn");
    const log = await HandledAlertLog.open(dir, 100);
    await log.add(a as string);
    await log.close();
    await appendFile(join(dir, HANDLED_ALERTS_FILE), (b as string).slice(0, 10));

    const reopened = await HandledAlertLog.open(dir, 100);
    expect(reopened.has(a as string)).toBe(true);
    expect(reopened.has(b as string)).toBe(false);
    await reopened.add(b as string);
    await reopened.close();
    expect((await readFile(join(dir, HANDLED_ALERTS_FILE), "utf8")).split("\n")).toEqual([a, b, ""]);
  });

  it("refuses something that is not an alert id", async () => {
    const log = await HandledAlertLog.open(dir, 100);
    await expect(log.add("not-an-id\nsecond line")).rejects.toThrow(TypeError);
    await log.close();
  });
});
