/**
 * A problem with how Relive was configured or with the machine it runs on.
 * main.ts prints its message as one line and exits non-zero: the person who
 * typed `npm start` needs to know what to change, not a stack trace.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Removes the password from a PostgreSQL URL so it can be shown. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "<unparseable url>";
  }
}
