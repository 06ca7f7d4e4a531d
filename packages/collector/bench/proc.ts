import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** Linux's clock ticks per second for /proc CPU times (USER_HZ): 100 on every mainstream kernel. */
const TICKS_PER_SECOND = 100;

/** user + system CPU seconds of one process so far, from /proc/<pid>/stat; 0 once it is gone. */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command (which may hold spaces), which ends at the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Peak resident memory (VmHWM) of one process, in bytes; 0 once it is gone. */
export function peakRssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Bytes of a topic's log segments in a broker's log dir (`<dir>/<topic>-<partition>/*.log`). */
export function topicLogBytes(logDir: string, topic: string): number {
  let bytes = 0;
  for (const entry of readdirSync(logDir)) {
    if (!entry.startsWith(`${topic}-`) || !/^\d+$/.test(entry.slice(topic.length + 1))) continue;
    for (const file of readdirSync(join(logDir, entry))) {
      if (file.endsWith(".log")) bytes += statSync(join(logDir, entry, file)).size;
    }
  }
  return bytes;
}

/** `pid` and its children (one level: a cluster primary's workers). */
export function processTree(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return [pid, ...children];
}
