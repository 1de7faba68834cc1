/**
 * `npm test`: every test, in the order that fails fastest.
 *
 *   1. prepare   generate the Prisma client and build the web app if stale
 *   2. types     tsc --noEmit over the whole project
 *   3. unit      vitest, pure code
 *   4. integration  vitest, real servers against a real PostgreSQL
 *   5. chaos     faults, hostile input and attacks (scripts/chaos.ts, about 4 minutes)
 *   6. browser   Playwright in Chromium against the real server
 *
 * Each suite prints its own report; the last line sums them up.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensurePrismaClient, ensureWebBuild } from "../server/prepare";

const root = path.resolve(import.meta.dirname, "..");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);
const reports = fs.mkdtempSync(path.join(os.tmpdir(), "relive-test-reports-"));

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
    child.once("error", reject);
    child.once("close", (code) => resolve(code ?? 1));
  });
}

function heading(title: string): void {
  console.log(`\n━━ ${title} ${"━".repeat(Math.max(0, 60 - title.length))}`);
}

async function vitest(project: string): Promise<Counts> {
  const report = path.join(reports, `${project}.json`);
  const code = await run(bin("vitest"), ["run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`]);
  const counts = readJson(report, (json: { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number }) => ({
    passed: json.numPassedTests,
    failed: json.numFailedTests,
    skipped: json.numPendingTests + json.numTodoTests,
  }));
  return code === 0 || counts.failed > 0 ? counts : { ...counts, failed: counts.failed + 1 };
}

async function playwright(): Promise<Counts> {
  const report = path.join(reports, "e2e.json");
  const code = await run(bin("playwright"), ["test", "--reporter=list,json"], { PLAYWRIGHT_JSON_OUTPUT_NAME: report });
  const counts = readJson(report, (json: { stats: { expected: number; unexpected: number; flaky: number; skipped: number } }) => ({
    passed: json.stats.expected + json.stats.flaky,
    failed: json.stats.unexpected,
    skipped: json.stats.skipped,
  }));
  return code === 0 || counts.failed > 0 ? counts : { ...counts, failed: counts.failed + 1 };
}

async function chaos(): Promise<Counts> {
  const report = path.join(reports, "chaos.json");
  const code = await run(process.execPath, ["--import", "tsx", "scripts/chaos.ts", "--counts", report]);
  const counts = readJson(report, (json: Counts) => json);
  return code === 0 || counts.failed > 0 ? counts : { ...counts, failed: counts.failed + 1 };
}

function readJson<T>(file: string, pick: (json: T) => Counts): Counts {
  try {
    return pick(JSON.parse(fs.readFileSync(file, "utf8")) as T);
  } catch {
    // The runner died before writing its report: count that as a failure.
    return { passed: 0, failed: 1, skipped: 0 };
  }
}

const results: Array<[string, Counts]> = [];
let exitCode = 0;
try {
  heading("prepare");
  const log = (line: string) => console.log(`relive: ${line}`);
  await ensurePrismaClient(log);
  await ensureWebBuild(log);
  console.log("Prisma client and web build are up to date");

  heading("types");
  const typesOk = (await run(bin("tsc"), ["--noEmit", "-p", "tsconfig.json"])) === 0;
  console.log(typesOk ? "No type errors" : "Type errors (see above)");
  if (!typesOk) exitCode = 1;

  heading("unit");
  results.push(["unit", await vitest("unit")]);
  heading("integration (real PostgreSQL)");
  results.push(["integration", await vitest("integration")]);
  heading("chaos (faults, hostile input, attacks)");
  results.push(["chaos", await chaos()]);
  heading("browser (Playwright, Chromium)");
  results.push(["browser", await playwright()]);
} catch (error) {
  console.error("relive: the test run could not be prepared:", error instanceof Error ? error.message : error);
  exitCode = 1;
} finally {
  fs.rmSync(reports, { recursive: true, force: true });
}

heading("summary");
if (exitCode !== 0 && results.length > 0) console.log("types        FAILED");
for (const [name, counts] of results) {
  console.log(`${name.padEnd(12)} ${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ""}`);
}
const total = results.reduce((sum, [, c]) => ({ passed: sum.passed + c.passed, failed: sum.failed + c.failed, skipped: 0 }), { passed: 0, failed: 0, skipped: 0 });
if (total.failed > 0 || results.length < 4) exitCode = 1;
console.log(`${total.passed} passed, ${total.failed} failed`);
process.exit(exitCode);
