/** Structured log sink; the default writes one JSON object per line, which CloudWatch indexes. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const line =
  (level: string, write: (text: string) => void) =>
  (message: string, fields: Record<string, unknown> = {}) =>
    write(JSON.stringify({ level, message, ...fields }));

export const jsonLogger = (write: (text: string) => void = (text) => console.log(text)): Logger => ({
  info: line("info", write),
  warn: line("warn", write),
  error: line("error", write),
});

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
