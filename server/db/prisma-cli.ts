import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { projectRoot } from "../env";

const require = createRequire(import.meta.url);

/** Placeholder for CLI commands that read the schema but never connect. */
export const OFFLINE_DATABASE_URL = "postgresql://offline@127.0.0.1:1/offline";

export interface PrismaRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the project's own Prisma CLI. prisma.config.ts points it at the wasm
 * schema engine through the pg driver adapter, so nothing is downloaded.
 */
export function runPrisma(args: string[], databaseUrl: string, options: { echo?: boolean } = {}): Promise<PrismaRun> {
  const cli = path.join(path.dirname(require.resolve("prisma/package.json")), "build", "index.js");
  const preload = path.join(import.meta.dirname, "prisma-cli-preload.cjs");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--require", preload, cli, ...args], {
      cwd: projectRoot,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
      if (options.echo) process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk;
      if (options.echo) process.stderr.write(chunk);
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
