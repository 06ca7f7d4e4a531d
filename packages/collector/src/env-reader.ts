export type Env = Record<string, string | undefined>;

/**
 * Typed readers for environment variables that never throw: each problem is pushed to `problems`
 * (named after its variable) and the fallback is returned, so one start-up check can list them all.
 */
export function createEnvReader(env: Env, problems: string[]) {
  return {
    integer(name: string, fallback: number, min: number, max: number): number {
      const raw = env[name]?.trim();
      if (raw === undefined || raw === "") return fallback;
      const value = Number(raw);
      if (!Number.isInteger(value) || value < min || value > max) {
        problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
        return fallback;
      }
      return value;
    },
    flag(name: string, fallback: boolean): boolean {
      const raw = env[name]?.trim().toLowerCase();
      if (raw === undefined || raw === "") return fallback;
      if (["1", "true", "yes", "on"].includes(raw)) return true;
      if (["0", "false", "no", "off"].includes(raw)) return false;
      problems.push(`${name} must be true or false (got "${env[name]}")`);
      return fallback;
    },
    /** A comma-separated list, entries trimmed, empty ones dropped. */
    list(name: string): string[] {
      return (env[name] ?? "")
        .split(",")
        .map((entry) => entry.trim())
        .filter(Boolean);
    },
  };
}
