/**
 * `npm run bench` (about 10 minutes) or `npm run bench -- --quick` (under 2):
 * measures each of Relive's claims against the real server, real socket.io
 * clients in a separate process, real PostgreSQL and real Chromium, prints a
 * table with every figure beside its target, and writes bench/results.json.
 * `--only=<suite>` runs one suite (sockets, web, http) and replaces only that
 * suite's figures in bench/results.json.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensurePrismaClient, ensureWebBuild } from "../server/prepare";
import { projectRoot, type BenchContext, type Result } from "./lib";

interface Suite {
  name: string;
  run: (context: BenchContext) => Promise<Result[]>;
}

const quick = process.argv.includes("--quick");
const only = process.argv.find((arg) => arg.startsWith("--only="))?.slice("--only=".length);
const context: BenchContext = { quick, log: (line) => console.error(`  · ${line}`) };

const suites: Suite[] = [
  { name: "sockets", run: async (c) => (await import("./sockets")).benchSockets(c) },
  { name: "web", run: async (c) => (await import("./web")).benchWeb(c) },
  { name: "http", run: async (c) => (await import("./http")).benchHttp(c) },
];
if (only && !suites.some((suite) => suite.name === only)) {
  console.error(`bench: no suite "${only}" (${suites.map((suite) => suite.name).join(", ")})`);
  process.exit(2);
}

await ensurePrismaClient((line) => console.error(line));
await ensureWebBuild((line) => console.error(line));

const started = Date.now();
const results: Array<Result & { suite: string; met: boolean | null }> = [];
for (const suite of suites) {
  if (only && suite.name !== only) continue;
  console.error(`\n▶ ${suite.name}${quick ? " (quick)" : ""}`);
  try {
    for (const result of await suite.run(context)) results.push({ ...result, suite: suite.name, met: meets(result) });
  } catch (error) {
    console.error(`  ✗ ${suite.name} failed:`, error);
    results.push({ suite: suite.name, name: `${suite.name} suite`, value: Number.NaN, unit: "", note: `failed: ${(error as Error).message}`, met: false });
  }
}

function meets(result: Result): boolean | null {
  if (!result.target || !Number.isFinite(result.value)) return result.target ? false : null;
  return result.target.op === "<=" ? result.value <= result.target.value : result.value >= result.target.value;
}

const fmt = (value: number) => (!Number.isFinite(value) ? "—" : Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2));
const rows = results.map((r) => [
  r.suite,
  r.name,
  `${fmt(r.value)} ${r.unit}`.trim(),
  r.target ? `${r.target.op} ${r.target.value} ${r.unit}` : "",
  r.met === null ? "" : r.met ? "met" : "MISSED",
  [r.spread, r.note].filter(Boolean).join("; "),
]);
const header = ["suite", "measure", "value", "target", "", "spread / notes"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd();
console.log(`\n${line(header)}\n${widths.map((w) => "─".repeat(w)).join("  ")}`);
for (const row of rows) console.log(line(row));
const missed = results.filter((r) => r.met === false).length;
console.log(`\n${results.length} figures, ${missed} target${missed === 1 ? "" : "s"} missed, in ${((Date.now() - started) / 1000).toFixed(0)} s${quick ? " (quick)" : ""}`);

const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
};
fs.mkdirSync(path.join(projectRoot, "bench"), { recursive: true });
const resultsFile = path.join(projectRoot, "bench/results.json");
const date = new Date().toISOString();
let written: object[] = results;
if (only) {
  // One suite's run keeps the other suites' figures from earlier runs; each row then says when and how it was measured.
  written = results.map((result) => ({ ...result, date, quick }));
  try {
    const earlier = JSON.parse(fs.readFileSync(resultsFile, "utf8")) as { date?: string; quick?: boolean; results?: Array<Record<string, unknown>> };
    const kept = (earlier.results ?? []).filter((row) => row.suite !== only).map((row) => ({ date: earlier.date, quick: earlier.quick, ...row }));
    written = [...kept, ...written];
  } catch {
    // no earlier results
  }
}
fs.writeFileSync(resultsFile, `${JSON.stringify({ date, quick, only, machine, results: written }, null, 2)}\n`);
console.log("Written to bench/results.json");
