/**
 * Makes a checkout runnable: generates the Prisma client and builds the web
 * app when they are missing or older than their sources. Both are keyed on a
 * hash of their inputs, so an up-to-date checkout starts in seconds.
 */
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { projectRoot } from "./env";
import { ConfigError } from "./errors";
import { OFFLINE_DATABASE_URL, runPrisma } from "./db/prisma-cli";

const GENERATED = path.join(projectRoot, "server/db/generated");
const BUILD_DIR = path.join(projectRoot, ".next");

export async function ensurePrismaClient(log: (line: string) => void): Promise<void> {
  const stamp = path.join(GENERATED, ".inputs-hash");
  const hash = hashInputs(["prisma/schema.prisma", "package-lock.json"]);
  if (readStamp(stamp) === hash) return;
  log("Generating the Prisma client…");
  const run = await runPrisma(["generate"], OFFLINE_DATABASE_URL);
  if (run.code !== 0) throw new ConfigError(`prisma generate failed: ${lastLine(run.stderr || run.stdout)}`);
  fs.writeFileSync(stamp, hash);
}

/** The sources of the web app: anything Next bundles or that configures it. */
const WEB_INPUTS = ["app", "client", "domain", "public", "server/services.ts", "server/library/library-key.ts", "next.config.js", "tsconfig.json", "package-lock.json"];

export async function ensureWebBuild(log: (line: string) => void): Promise<void> {
  const stamp = path.join(BUILD_DIR, "relive-inputs-hash");
  const hash = hashInputs(WEB_INPUTS);
  if (readStamp(stamp) === hash && fs.existsSync(path.join(BUILD_DIR, "BUILD_ID"))) return;
  log("Building the web app (the first start takes about a minute)…");
  const nextBin = path.join(projectRoot, "node_modules/next/dist/bin/next");
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin, "build"], {
      cwd: projectRoot,
      stdio: "inherit",
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    });
    child.once("error", reject);
    child.once("close", (exit) => resolve(exit ?? 1));
  });
  if (code !== 0) throw new ConfigError("The web app failed to build (see the output above)");
  // Hashed again: `next build` may rewrite tsconfig.json and next-env.d.ts.
  fs.writeFileSync(stamp, hashInputs(WEB_INPUTS));
}

function hashInputs(relativePaths: string[]): string {
  const hash = crypto.createHash("sha256");
  for (const relative of relativePaths) {
    for (const file of listFiles(path.join(projectRoot, relative))) {
      hash.update(path.relative(projectRoot, file));
      hash.update("\0");
      hash.update(fs.readFileSync(file));
      hash.update("\0");
    }
  }
  return hash.digest("hex");
}

function listFiles(target: string): string[] {
  if (!fs.existsSync(target)) return [];
  if (!fs.statSync(target).isDirectory()) return [target];
  return fs
    .readdirSync(target, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => listFiles(path.join(target, entry.name)));
}

function readStamp(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

function lastLine(text: string): string {
  return text.trim().split("\n").pop() ?? "";
}
