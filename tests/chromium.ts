import fs from "node:fs";

/**
 * Which Chromium the browser tests and benchmarks drive: $RELIVE_CHROMIUM if
 * set, else the system's /usr/bin/chromium when present (Debian's package;
 * machines without network cannot download Playwright's), else Playwright's
 * own browser (undefined).
 */
export function chromiumPath(): string | undefined {
  const fromEnv = process.env.RELIVE_CHROMIUM;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new Error(`RELIVE_CHROMIUM=${fromEnv} does not exist`);
    return fromEnv;
  }
  return fs.existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined;
}

/** Root needs --no-sandbox; without the networking flags Chromium keeps trying to reach Google. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
