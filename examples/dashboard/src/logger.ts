/** Structured log sink; the default writes one JSON object per line. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const line =
  (level: string, write: (text: string) => void) =>
  (message: string, fields: Record<string, unknown> = {}) =>
    write(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }));

/**
 * JSON lines, to stderr by default: stdout carries the one line with the address the page is served at,
 * so a script can read it.
 */
export const jsonLogger = (write: (text: string) => void = (text) => process.stderr.write(`${text}\n`)): Logger => ({
  info: line("info", write),
  warn: line("warn", write),
  error: line("error", write),
});

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
