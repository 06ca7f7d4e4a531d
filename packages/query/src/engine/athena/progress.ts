import { formatBytes } from "./cost.js";

/** What the engine reports after each poll of a running query. */
export interface AthenaProgress {
  readonly queryExecutionId: string;
  /** Athena's state: QUEUED, RUNNING, SUCCEEDED, FAILED or CANCELLED. */
  readonly state: string;
  readonly elapsedMs: number;
  readonly bytesScanned: number;
}

export type ProgressListener = (progress: AthenaProgress) => void;

export const formatProgressLine = (p: AthenaProgress): string =>
  `athena ${p.state.toLowerCase()} ${(p.elapsedMs / 1000).toFixed(1)} s, ${formatBytes(p.bytesScanned)} scanned`;

/** The part of a stream the renderer needs: `process.stderr` fits. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressRenderer {
  readonly onProgress: ProgressListener;
  /** Clears the line, so what the CLI prints next starts at column 0. */
  done(): void;
}

/**
 * One status line rewritten in place (`\r`, then erase to the end of the line) while a query runs.
 * When the stream is not a terminal (a pipe, a log file, CI) it writes nothing at all: a stream of
 * carriage returns is noise there, and the cost line that follows says what matters.
 */
export function createTtyProgress(stream: ProgressStream): ProgressRenderer {
  if (!stream.isTTY) return { onProgress: () => {}, done: () => {} };
  let shown = false;
  return {
    onProgress: (progress) => {
      stream.write(`\r${formatProgressLine(progress)}\x1b[K`);
      shown = true;
    },
    done: () => {
      if (shown) stream.write("\r\x1b[K");
      shown = false;
    },
  };
}
