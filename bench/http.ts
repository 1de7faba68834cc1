/**
 * The HTTP suite of `npm run bench` (`--only=http` runs it alone): the feed
 * API against a bare Node server that sends the same bytes from memory.
 *
 * The real server runs as `npm start` does, with a fresh embedded PostgreSQL
 * (bench/lib.ts startServer). Its answers to the load's request, and to the
 * other encodings and a matching If-None-Match, are captured byte for byte and
 * handed to bench/bare-http.ts, a `node:http` server in its own process that
 * replays them. Both are checked to answer the load's request with the same
 * status, headers and body, then loaded in turn by the same autocannon (this
 * process, same connections, same duration, same request), alternating which
 * goes first. Figure: the real server's requests/s ÷ the bare server's, median
 * over rounds.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import autocannon from "autocannon";
import type { Capture, CapturedResponse } from "./bare-http";
import { generateFeed, importGeneratedFeed, writeFeedJson } from "./generate-feed";
import { cpuMs, median, projectRoot, startServer, summarise, type BenchContext, type BenchServer, type Result } from "./lib";

const FEED = "sputnik-helsinki-2018";
/** A larger feed for the full run: about 480 kB of JSON, 55 kB in brotli. */
const BIG_SLUG = "generated-1k";
const BIG_ENTRIES = 1_000;
const CONNECTIONS = 10;
const WARM_UP_SECONDS = 3;
/** What Chromium sends: the load asks as a browser would, and gets brotli. */
const ACCEPT_ENCODING = "gzip, deflate, br, zstd";
const RATIO_TARGET = { op: ">=", value: 0.7 } as const;
const KB = 1000;

export async function benchHttp(context: BenchContext): Promise<Result[]> {
  const { quick, log } = context;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "relive-bench-http-"));
  fs.chmodSync(dataDir, 0o755);
  let server: BenchServer | undefined;
  const results: Result[] = [];
  try {
    server = await startServer({ env: { RELIVE_DATA_DIR: dataDir } });
    log(`server ready in ${(server.readyMs / 1000).toFixed(1)} s at ${server.url}`);
    // Short runs, several rounds: the machine's other load drifts, and alternating spreads it over both.
    const seconds = quick ? 2 : 4;
    results.push(...(await sideBySide(server, FEED, { rounds: quick ? 3 : 5, seconds, dataDir, log })));
    if (!quick) {
      const feed = generateFeed({ entries: BIG_ENTRIES, seed: 1, slug: BIG_SLUG });
      const file = path.join(dataDir, `${BIG_SLUG}.json`);
      writeFeedJson(feed, file);
      await importGeneratedFeed({ file, entries: BIG_ENTRIES, seed: 1, slug: BIG_SLUG, env: { RELIVE_DATA_DIR: dataDir, DATABASE_URL: "" } });
      results.push(...(await sideBySide(server, BIG_SLUG, { rounds: 3, seconds, dataDir, log })));
    }
  } finally {
    await server?.stop().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return results;
}

interface Run {
  rps: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
  /** CPU of the server process and of this (load) process, ms per wall second. */
  serverCpu: number;
  loadCpu: number;
}

async function sideBySide(
  server: BenchServer,
  slug: string,
  options: { rounds: number; seconds: number; dataDir: string; log: (line: string) => void },
): Promise<Result[]> {
  const pathname = `/api/feeds/${slug}`;
  const capture = await captureResponses(server.url, pathname);
  const captureFile = path.join(options.dataDir, `capture-${slug}.json`);
  fs.writeFileSync(captureFile, JSON.stringify(capture));
  const bare = await startBare(captureFile);
  try {
    const loadRequest = { "accept-encoding": ACCEPT_ENCODING };
    const [real, copy] = await Promise.all([rawRequest(server.url + pathname, loadRequest), rawRequest(bare.url + pathname, loadRequest)]);
    const difference = differences(real, copy);
    if (difference) throw new Error(`the bare server does not answer as the real one: ${difference}`);
    const encoding = real.headers["content-encoding"] ?? "identity";

    const load = (url: string, pid: number, seconds: number) => measure(url + pathname, loadRequest, seconds, pid);
    // Warm both before measuring: JIT, the real server's copy of this feed version, and Next, which
    // loads its pages' modules for a few seconds after the server is ready.
    await load(server.url, server.pid, WARM_UP_SECONDS);
    await load(bare.url, bare.pid, WARM_UP_SECONDS);
    const realRuns: Run[] = [];
    const bareRuns: Run[] = [];
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? (["real", "bare"] as const) : (["bare", "real"] as const);
      for (const which of order) {
        if (which === "real") realRuns.push(await load(server.url, server.pid, options.seconds));
        else bareRuns.push(await load(bare.url, bare.pid, options.seconds));
      }
    }
    const ratios = realRuns.map((run, i) => run.rps / bareRuns[i]!.rps);
    const ratio = summarise(ratios);
    const realRps = median(realRuns.map((run) => run.rps));
    const bareRps = median(bareRuns.map((run) => run.rps));
    const failures = [...realRuns, ...bareRuns].reduce((n, run) => n + run.non2xx + run.errors, 0);
    const loadBound = median(bareRuns.map((run) => run.loadCpu)) >= 900;
    /** µs of server CPU per request: CPU ms per wall second ÷ requests per second. */
    const cpuPerRequest = (runs: Run[]) => median(runs.map((run) => (run.serverCpu * 1000) / run.rps));
    const cpu = (runs: Run[], key: "serverCpu" | "loadCpu") => `${(median(runs.map((run) => run[key])) / 10).toFixed(0)} %`;
    options.log(
      `${pathname}: ${realRps.toFixed(0)} req/s vs bare ${bareRps.toFixed(0)} req/s = ${ratio.value.toFixed(2)} (${encoding}, ${(real.body.length / KB).toFixed(1)} kB)`,
    );
    const setup =
      `autocannon in the bench process, ${CONNECTIONS} connections, ${options.seconds} s per run, ${options.rounds} round${options.rounds === 1 ? "" : "s"} alternating which goes first` +
      `; Accept-Encoding "${ACCEPT_ENCODING}" → ${encoding}, ${(real.body.length / KB).toFixed(1)} kB per response (${(Buffer.byteLength(capture.identity.body, "base64") / KB).toFixed(0)} kB JSON)` +
      `; bare = node:http in its own process replaying the real response's status, headers and bytes (checked identical)`;
    return [
      {
        name: `HTTP ${pathname} throughput ÷ bare Node, same bytes`,
        value: ratio.value,
        unit: "×",
        target: RATIO_TARGET,
        spread: ratio.spread,
        note:
          `median ${realRps.toFixed(0)} vs ${bareRps.toFixed(0)} req/s (ratio of medians ${(realRps / bareRps).toFixed(2)})` +
          `; server CPU per request ${cpuPerRequest(realRuns).toFixed(0)} vs ${cpuPerRequest(bareRuns).toFixed(0)} µs (bare ÷ real ${(cpuPerRequest(bareRuns) / cpuPerRequest(realRuns)).toFixed(2)}: the ratio if both servers were the bottleneck)` +
          `; ${setup}` +
          (loadBound ? `; the load process used ≥ 90 % of a core: the bare figure, and so the ratio, is bounded by the load generator` : "") +
          (failures > 0 ? `; ${failures} non-2xx or errors` : ""),
      },
      {
        name: `HTTP ${pathname} throughput`,
        value: realRps,
        unit: "req/s",
        spread: summarise(realRuns.map((run) => run.rps), 0).spread,
        note: `server CPU ${cpu(realRuns, "serverCpu")} of a core (its PostgreSQL not counted), load process ${cpu(realRuns, "loadCpu")}; p99 ${median(realRuns.map((run) => run.p99))} ms`,
      },
      {
        name: `HTTP ${pathname} throughput, bare Node`,
        value: bareRps,
        unit: "req/s",
        spread: summarise(bareRuns.map((run) => run.rps), 0).spread,
        note: `server CPU ${cpu(bareRuns, "serverCpu")} of a core, load process ${cpu(bareRuns, "loadCpu")}; p99 ${median(bareRuns.map((run) => run.p99))} ms`,
      },
      { name: `HTTP ${pathname} latency p99`, value: median(realRuns.map((run) => run.p99)), unit: "ms" },
    ];
  } finally {
    await bare.stop();
  }
}

async function measure(url: string, headers: Record<string, string>, seconds: number, pid: number): Promise<Run> {
  const serverBefore = cpuMs(pid);
  const loadBefore = process.cpuUsage();
  const started = performance.now();
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers });
  const wall = (performance.now() - started) / 1000;
  const load = process.cpuUsage(loadBefore);
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    serverCpu: (cpuMs(pid) - serverBefore) / wall,
    loadCpu: (load.user + load.system) / 1000 / wall,
  };
}

// -------------------------------------------------------------------------------------------------
// The responses, byte for byte

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** fetch would decode the body: this keeps the bytes as sent. */
function rawRequest(url: string, headers: Record<string, string>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

/** Headers Node's HTTP server writes by itself, on both servers alike. */
const OWN_HEADERS = new Set(["date", "connection", "keep-alive", "transfer-encoding"]);

function captured(response: RawResponse): CapturedResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (!OWN_HEADERS.has(name) && value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return { status: response.status, headers, body: response.body.toString("base64") };
}

async function captureResponses(url: string, pathname: string): Promise<Capture> {
  const get = (headers: Record<string, string>) => rawRequest(url + pathname, headers);
  const [br, gzip, identity] = await Promise.all([get({ "accept-encoding": "br" }), get({ "accept-encoding": "gzip" }), get({})]);
  for (const [name, response] of Object.entries({ br, gzip, identity })) {
    if (response.status !== 200) throw new Error(`GET ${pathname} (${name}) answered ${response.status}`);
  }
  const etag = String(br.headers.etag ?? "");
  if (!etag) throw new Error(`GET ${pathname} sent no ETag`);
  const notModified = await get({ "if-none-match": etag });
  if (notModified.status !== 304) throw new Error(`GET ${pathname} with If-None-Match answered ${notModified.status}, not 304`);
  return { path: pathname, etag, br: captured(br), gzip: captured(gzip), identity: captured(identity), notModified: captured(notModified) };
}

/** What differs between two answers to one request, besides the headers Node adds itself; undefined if nothing. */
function differences(a: RawResponse, b: RawResponse): string | undefined {
  if (a.status !== b.status) return `status ${a.status} vs ${b.status}`;
  if (!a.body.equals(b.body)) return `bodies differ (${a.body.length} vs ${b.body.length} bytes)`;
  const names = new Set([...Object.keys(a.headers), ...Object.keys(b.headers)].filter((name) => name !== "date"));
  for (const name of names) if (String(a.headers[name]) !== String(b.headers[name])) return `header ${name}: ${a.headers[name]} vs ${b.headers[name]}`;
  return undefined;
}

// -------------------------------------------------------------------------------------------------
// The bare server's process

async function startBare(captureFile: string): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "bench/bare-http.ts", captureFile], {
    cwd: projectRoot,
    env: { ...process.env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on("line", (line) => {
      output += `${line}\n`;
      const match = /listening on (http:\/\/[\d.:]+)/.exec(line);
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`the bare server exited (${code}) before it listened:\n${output}`)));
  });
  return {
    url,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
