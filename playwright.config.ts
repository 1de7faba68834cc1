import fs from "node:fs";
import { defineConfig, devices } from "@playwright/test";

/**
 * Which Chromium drives the browser tests: $RELIVE_CHROMIUM if set, else the
 * system's /usr/bin/chromium when present (Debian's package; machines without
 * network cannot download Playwright's), else Playwright's own browser.
 */
function chromiumPath(): string | undefined {
  const fromEnv = process.env.RELIVE_CHROMIUM;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new Error(`RELIVE_CHROMIUM=${fromEnv} does not exist`);
    return fromEnv;
  }
  return fs.existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined;
}

const port = Number(process.env.RELIVE_E2E_PORT ?? 3197);
const executablePath = chromiumPath();

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${port}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: {
    // A fresh, throwaway database for every run; never the user's data.
    command: "node --import tsx tests/e2e/server.ts",
    url: `http://localhost:${port}/api/health`,
    env: { PORT: String(port) },
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGINT", timeout: 10_000 },
  },
});
