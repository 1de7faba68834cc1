/**
 * `npm run test:chaos`: the reliability and security suite (tests/chaos/),
 * then its summary: faults survived, messages fuzzed, attacks refused,
 * entries lost and sessions lost. The tests append their counts to a file
 * this runner names in RELIVE_CHAOS_STATS. Exits non-zero if a test failed or
 * anything was lost.
 *
 *   npm run test:chaos                      the whole suite (about 4 minutes)
 *   npm run test:chaos -- tests/chaos/fuzz  some files only
 *   RELIVE_CHAOS_FULL=1 npm run test:chaos  the 5-minute network cut and a 30 s embedded outage
 *   --counts <file>                         also write the test counts as JSON (for `npm test`)
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ensurePrismaClient, ensureWebBuild } from "../server/prepare";

const root = path.resolve(import.meta.dirname, "..");
const { values, positionals } = parseArgs({ allowPositionals: true, options: { counts: { type: "string" } } });
const work = fs.mkdtempSync(path.join(os.tmpdir(), "relive-chaos-"));
const statsFile = path.join(work, "stats.jsonl");
const reportFile = path.join(work, "report.json");

interface Totals {
  faultsSurvived: number;
  messagesFuzzed: number;
  attacksRefused: number;
  entriesLost: number;
  sessionsLost: number;
}

function readTotals(): Totals {
  const totals: Totals = { faultsSurvived: 0, messagesFuzzed: 0, attacksRefused: 0, entriesLost: 0, sessionsLost: 0 };
  const lines = fs.existsSync(statsFile) ? fs.readFileSync(statsFile, "utf8").split("\n").filter(Boolean) : [];
  for (const line of lines) {
    const counts = JSON.parse(line) as Partial<Totals>;
    for (const key of Object.keys(totals) as Array<keyof Totals>) totals[key] += counts[key] ?? 0;
  }
  return totals;
}

function readTests(): { passed: number; failed: number; skipped: number } {
  try {
    const json = JSON.parse(fs.readFileSync(reportFile, "utf8")) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
    return { passed: json.numPassedTests, failed: json.numFailedTests, skipped: json.numPendingTests + json.numTodoTests };
  } catch {
    return { passed: 0, failed: 1, skipped: 0 }; // vitest died before writing its report
  }
}

const started = Date.now();
let exitCode = 0;
try {
  // Build once here, not in each of the servers the tests start.
  const log = (line: string) => console.log(`relive: ${line}`);
  await ensurePrismaClient(log);
  await ensureWebBuild(log);

  const vitest = path.join(root, "node_modules", ".bin", "vitest");
  const args = ["run", "--project", "chaos", "--reporter=default", "--reporter=json", `--outputFile.json=${reportFile}`, ...positionals];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(vitest, args, { cwd: root, stdio: "inherit", env: { ...process.env, RELIVE_CHAOS_STATS: statsFile } });
    child.once("error", reject);
    child.once("close", (status) => resolve(status ?? 1));
  });

  const tests = readTests();
  if (code !== 0 && tests.failed === 0) tests.failed = 1;
  const totals = readTotals();
  const seconds = Math.round((Date.now() - started) / 1000);
  const row = (label: string, value: number | string) => console.log(`  ${label.padEnd(18)} ${value}`);
  console.log(`\n━━ chaos summary ${"━".repeat(44)}`);
  row("faults survived", totals.faultsSurvived);
  row("messages fuzzed", totals.messagesFuzzed);
  row("attacks refused", totals.attacksRefused);
  row("entries lost", totals.entriesLost);
  row("sessions lost", totals.sessionsLost);
  row("tests", `${tests.passed} passed, ${tests.failed} failed${tests.skipped ? `, ${tests.skipped} skipped` : ""} in ${seconds} s`);
  if (process.env.RELIVE_CHAOS_FULL !== "1") console.log("  (RELIVE_CHAOS_FULL=1 runs the 5-minute network cut and a 30 s embedded outage)");
  if (values.counts) fs.writeFileSync(values.counts, JSON.stringify(tests));
  if (tests.failed > 0 || totals.entriesLost > 0 || totals.sessionsLost > 0) exitCode = 1;
} catch (error) {
  console.error("relive: the chaos suite could not run:", error instanceof Error ? error.message : error);
  exitCode = 1;
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
process.exit(exitCode);
