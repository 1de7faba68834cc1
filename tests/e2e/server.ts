/**
 * The server for the browser tests: the real one, with its embedded
 * PostgreSQL in a temporary folder that is deleted afterwards.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { E2E_LIBRARY_KEY } from "./library-key";

// A known folder per port, emptied first, so that tests can import into this
// server's database with `RELIVE_DATA_DIR=<it> npm run import`.
const e2eDataDir = (port: string) => path.join(os.tmpdir(), `relive-e2e-${port}`);
const dataDir = e2eDataDir(process.env.PORT ?? "3197");
fs.rmSync(dataDir, { recursive: true, force: true });
fs.mkdirSync(dataDir, { recursive: true, mode: 0o755 });
fs.chmodSync(dataDir, 0o755);
const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
  cwd: path.resolve(import.meta.dirname, "../.."),
  stdio: "inherit",
  env: { ...process.env, NODE_ENV: "production", DATABASE_URL: "", RELIVE_DATA_DIR: dataDir, RELIVE_ADMIN_KEY: E2E_LIBRARY_KEY },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.once("exit", (code) => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(code ?? 1);
});
