/**
 * The socket benchmarks: sync skew, control fan-out, emission lateness,
 * capacity, scale-out over two processes, and start-up. The server runs in
 * its own process(es) (bench/lib startServer); every client runs in ONE
 * separate load process (bench/load.ts) driven over IPC, so that latencies
 * are differences of one monotonic clock. bench/README.md says what each
 * figure means.
 */
import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import type { Command } from "../domain/protocol";
import { EmbeddedPostgres } from "../server/db/embedded-postgres";
import { cpuMs, delay, median, percentile, projectRoot, rssBytes, startServer, summarise, type BenchContext, type BenchServer, type Result } from "./lib";
import type { ChangesResult, EmissionResult, LoadMessage, LoadRequest, LoadResults, LoadStalls } from "./load";

const FEED = "sputnik-helsinki-2018";
/** One frame at 60 Hz. */
const FRAME_MS = 16.7;
const SKEW_NOTE = "max − min of simulated time over followers and presenter at one instant, in wall-clock-equivalent ms (sim-ms spread ÷ rate in force)";

// ---------------------------------------------------------------------------
// The load process

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout };

class LoadProcess {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exitedWith: string | undefined;
  private readonly exited: Promise<void>;
  private readonly ready: Promise<void>;
  private markListener: ((name: string) => void) | undefined;

  private constructor(
    private readonly child: ChildProcess,
    log: (line: string) => void,
  ) {
    let readyResolve: () => void = () => undefined;
    this.ready = new Promise((resolve) => (readyResolve = resolve));
    child.on("message", (message: LoadMessage) => {
      if (message.type === "ready") readyResolve();
      else if (message.type === "log") log(`load: ${message.line}`);
      else if (message.type === "mark") this.markListener?.(message.name);
      else {
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        clearTimeout(pending.timer);
        if (message.ok) pending.resolve(message.result);
        else pending.reject(new Error(`load process: ${message.error}`));
      }
    });
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) readline.createInterface({ input: stream }).on("line", (line) => log(`load: ${line}`));
    }
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.exitedWith = `load process exited (${signal ?? code})`;
        for (const pending of this.pending.values()) {
          clearTimeout(pending.timer);
          pending.reject(new Error(this.exitedWith));
        }
        this.pending.clear();
        resolve();
      });
    });
  }

  static async start(log: (line: string) => void): Promise<LoadProcess> {
    const child = fork(path.join(projectRoot, "bench/load.ts"), [], {
      cwd: projectRoot,
      execArgv: ["--import", "tsx", "--max-old-space-size=4096"],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    const load = new LoadProcess(child, log);
    const ok = await Promise.race([load.ready.then(() => true), load.exited.then(() => false), delay(30_000).then(() => false)]);
    if (!ok) {
      await load.stop();
      throw new Error(load.exitedWith ?? "load process did not start within 30 s");
    }
    return load;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Called with "start" and "end" around an emission run. */
  onMark(listener: ((name: string) => void) | undefined): void {
    this.markListener = listener;
  }

  call<C extends LoadRequest["cmd"]>(request: Extract<LoadRequest, { cmd: C }>, timeoutMs: number): Promise<LoadResults[C]> {
    if (this.exitedWith) return Promise.reject(new Error(this.exitedWith));
    const id = this.nextId++;
    return new Promise<LoadResults[C]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`load process: ${request.cmd} took longer than ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.child.send({ id, request });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    try {
      this.child.send({ id: 0, request: { cmd: "shutdown" } });
    } catch {
      // channel already closed
    }
    if (await Promise.race([this.exited.then(() => true), delay(5000).then(() => false)])) return;
    this.child.kill("SIGKILL");
    await Promise.race([this.exited, delay(5000)]);
  }
}

// ---------------------------------------------------------------------------
// Commands

/** The control changes of the skew and fan-out runs: play, pause, seek and rate, in a cycle of nine. */
function skewCommands(count: number, at: (hours: number, minutes: number) => number): Command[] {
  const cycle: Command[] = [
    { type: "play" },
    { type: "rate", rate: 60 },
    { type: "seek", to: at(14, 0) },
    { type: "rate", rate: 600 },
    { type: "pause" },
    { type: "seek", to: at(14, 30) },
    { type: "play" },
    { type: "rate", rate: 1 },
    { type: "rate", rate: 10 },
  ];
  return Array.from({ length: count }, (_, i) => cycle[i % cycle.length]!);
}

/** Changes that never reach the first entry (from the pre-roll), so every state message is small. */
function lightCommands(count: number, preRoll: number): Command[] {
  const cycle: Command[] = [{ type: "play" }, { type: "rate", rate: 60 }, { type: "pause" }, { type: "seek", to: preRoll }, { type: "rate", rate: 1 }];
  return Array.from({ length: count }, (_, i) => cycle[i % cycle.length]!);
}

// ---------------------------------------------------------------------------
// Turning load results into rows

/** Least-squares slope of y over x. */
function slope(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((sum, [x]) => sum + x, 0) / n;
  const my = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const sxx = points.reduce((sum, [x]) => sum + (x - mx) ** 2, 0);
  const sxy = points.reduce((sum, [x, y]) => sum + (x - mx) * (y - my), 0);
  return sxx > 0 ? sxy / sxx : Number.NaN;
}

const fmt = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : "—");

/** What the load process itself did meanwhile: its CPU, GC pauses and event-loop stalls. */
function loadNote(run: { loadCpuMs: number; wallMs: number; stalls: LoadStalls }): string {
  const { gcCount, gcTotalMs, gcMaxMs, loopDelayMaxMs, heapMiB } = run.stalls;
  return `load process: ${fmt((run.loadCpuMs / run.wallMs) * 100, 0)}% of a core, ${gcCount} GCs (${fmt(gcTotalMs, 0)} ms, longest ${fmt(gcMaxMs, 0)} ms), event loop stalled up to ${fmt(loopDelayMaxMs, 0)} ms, heap ${fmt(heapMiB, 0)} MiB`;
}

/** A run of control changes, with the CPU each server process spent on it. */
type MeasuredChanges = ChangesResult & { serverCpu: Array<{ label: string; ms: number }> };

function fanoutRows(label: string, run: MeasuredChanges, target: boolean, extra = ""): Result[] {
  const p50s = run.changes.map((change) => change.fanout.p50);
  const p99s = run.changes.map((change) => change.fanout.p99);
  const missing = run.pooled.missing ? `; ${run.pooled.missing} receipts missing` : "";
  const first = median(run.changes.map((change) => change.firstMs));
  const late = run.changes.reduce((sum, change) => sum + change.afterAnchor, 0);
  const ack = median(run.changes.map((change) => change.ackMs));
  const pooledNote =
    `median over ${run.changes.length} changes of each change's value across followers; all ${run.pooled.n} receipts pooled: p99 ${fmt(run.pooled.p99)}, max ${fmt(run.pooled.max)} ms${missing}; ` +
    `earliest follower ${fmt(first)} ms, presenter's ack ${fmt(ack)} ms (medians); ` +
    `CPU per change: ${run.serverCpu.map(({ label: server, ms }) => `${server} ${fmt(ms / run.changes.length, 1)} ms`).join(", ")}, load process ${fmt(run.loadCpuMs / run.changes.length, 1)} ms; ` +
    `${late} of ${run.pooled.n} receipts came after the change took effect (it is announced 40 ms ahead); ${loadNote(run)}${extra}`;
  const p50 = summarise(p50s);
  const p99 = summarise(p99s);
  return [
    { name: `fan-out p50 (${label})`, value: p50.value, unit: "ms", spread: p50.spread.replace("runs", "changes"), note: "presenter's emit → each follower's receipt of the session:state" },
    {
      name: `fan-out p99 (${label})`,
      value: p99.value,
      unit: "ms",
      ...(target ? { target: { op: "<=" as const, value: FRAME_MS } } : {}),
      spread: p99.spread.replace("runs", "changes"),
      note: pooledNote,
    },
  ];
}

function skewRows(n: number, run: MeasuredChanges): Result[] {
  const spreads = run.changes.map((change) => change.skewWallMs ?? Number.NaN).filter(Number.isFinite);
  const paused = run.changes.filter((change) => !change.playing).length;
  const context = `${spreads.length} changes (${paused} leave the clock paused: spread 0 by construction); followers' offsets spread ${fmt(run.offsetSpreadMs ?? Number.NaN)} ms at the end`;
  return [
    { name: `sync skew p50 (N=${n})`, value: percentile(spreads, 50), unit: "ms", note: SKEW_NOTE },
    { name: `sync skew p99 (N=${n})`, value: percentile(spreads, 99), unit: "ms", target: { op: "<=", value: 5 }, note: `Jellyfin SyncPlay corrects only above 60 ms; ${context}` },
    { name: `sync skew max (N=${n})`, value: Math.max(...spreads), unit: "ms", target: { op: "<=", value: FRAME_MS }, note: "Syncplay slows down above 1.5 s" },
  ];
}

function emissionRows(rate: number, n: number, run: EmissionResult, note = ""): Result[] {
  const label = `${rate}×, N=${n}`;
  const p50 = summarise(run.perEventP50);
  const p99 = summarise(run.perEventP99);
  const over = (spread: string) => spread.replace("runs", "messages");
  const detail =
    `median over ${run.events} entries messages of each message's value across followers (${run.n} samples); pooled: p50 ${fmt(run.pooled.p50)}, p99 ${fmt(run.pooled.p99)} ms; ` +
    `earliest follower per message (the server's timer, without the fan-out): p50 ${fmt(run.first.p50)}, max ${fmt(run.first.max)} ms` +
    (run.unscheduled ? `; ${run.unscheduled} unscheduled` : "") +
    `; ${loadNote(run)}` +
    note;
  return [
    { name: `emission lateness p50 (${label})`, value: p50.value, unit: "ms", spread: over(p50.spread), note: "arrival vs the entry's scheduled instant, in each follower's estimate of server time" },
    { name: `emission lateness p99 (${label})`, value: p99.value, unit: "ms", target: { op: "<=", value: 5 }, spread: over(p99.spread), note: detail },
    { name: `emission lateness max (${label})`, value: run.max, unit: "ms", note: "over every sample" },
  ];
}

// ---------------------------------------------------------------------------

export async function benchSockets(context: BenchContext): Promise<Result[]> {
  const { quick, log } = context;
  const results: Result[] = [];
  const servers: BenchServer[] = [];
  let load: LoadProcess | undefined;
  /** Server A's data folder, and the URL of the embedded PostgreSQL it runs there. */
  let databaseDir: string | undefined;
  let databaseUrl: string | undefined;
  /** The second server process, started while capacity connections open (it takes seconds). */
  let starting: Promise<BenchServer> | undefined;

  /**
   * Runs one measurement; a failure becomes a row (held to the phase's main target, so that
   * it counts as missed) and the other phases still run.
   */
  const phase = async (name: string, run: () => Promise<void>, target?: Result["target"] & { unit: string }): Promise<boolean> => {
    const started = performance.now();
    try {
      await run();
      log(`${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
      log(`${name} failed after ${((performance.now() - started) / 1000).toFixed(1)} s: ${error instanceof Error ? error.stack : message}`);
      results.push({
        name: `${name} (failed)`,
        value: Number.NaN,
        unit: target?.unit ?? "",
        ...(target ? { target: { op: target.op, value: target.value } } : {}),
        note: `failed: ${message}`,
      });
      return false;
    }
  };

  try {
    // Start-up first, while nothing else of ours runs. Server A's own start is the last run.
    const startups: number[] = [];
    const startupRow = () => {
      const { value, spread } = summarise(startups, 0);
      results.push({
        name: "start-up to healthy /api/health",
        value,
        unit: "ms",
        spread,
        note: "spawn → 200 from /api/health on a built checkout, each time with a fresh embedded PostgreSQL (initdb, migrations, seed)",
      });
    };
    if (!quick) {
      await phase("start-up", async () => {
        for (let i = 0; i < 2; i++) {
          const server = await startServer();
          servers.push(server);
          startups.push(server.readyMs);
          servers.pop();
          await server.stop();
        }
      });
    }

    // Server A as npm start runs it, with its embedded PostgreSQL in a folder we name, so that
    // a second server process can share that database later.
    let a: BenchServer | undefined;
    let info: LoadResults["presenter"] | undefined;
    const ready = await phase("set-up", async () => {
      databaseDir = fs.mkdtempSync(path.join(os.tmpdir(), "relive-bench-a-"));
      fs.chmodSync(databaseDir, 0o755); // as root, PostgreSQL runs as `postgres` and must traverse it
      a = await startServer({ env: { RELIVE_DATA_DIR: databaseDir } });
      servers.push(a);
      startups.push(a.readyMs);
      startupRow();
      databaseUrl = await EmbeddedPostgres.runningUrl(databaseDir);
      load = await LoadProcess.start(log);
      info = await load.call({ cmd: "presenter", url: a.url, feed: FEED }, 30_000);
      log(`server A pid ${a.pid} at ${a.url}; load pid ${load.pid}; session ${info.code}, ${info.entryCount} entries`);
    }, { op: ">=", value: 1, unit: "" }); // a failed set-up fails every socket figure: count it as missed
    if (startups.length && !ready && !results.some((row) => row.name.startsWith("start-up to"))) startupRow();
    if (!ready || !a || !load || !info) return results;
    const serverA: BenchServer = a;
    const driver: LoadProcess = load;
    const session = info;
    const dayStart = session.timelineStart - (session.timelineStart % 86_400_000);
    const at = (hours: number, minutes: number, seconds = 0) => dayStart + ((hours * 60 + minutes) * 60 + seconds) * 1000;
    const preRoll = session.timelineStart - 60_000;
    const changes = quick ? 20 : 50;
    const settle = () => delay(1500); // presence updates are debounced 250 ms; let joins quiet down
    /** Server A's RSS against followers joined, for the per-connection slope. */
    const rssPoints: Array<{ n: number; rss: number }> = [];
    const sampleRss = async () => {
      const status = await driver.call({ cmd: "status" }, 10_000);
      rssPoints.push({ n: status.joined, rss: rssBytes(serverA.pid) });
      return status;
    };

    const connect = async (url: string, count: number, kind: "replay" | "raw", group: string, timeBudgetMs = 120_000) => {
      const result = await driver.call({ cmd: "connect", url, count, kind, group, timeBudgetMs }, timeBudgetMs + 60_000);
      const rtt = result.syncRoundTrip ? `, sync round trip p50 ${fmt(result.syncRoundTrip.p50)} ms` : "";
      const { connectMs, syncMs, joinMs } = result.stages;
      const stages = `connect ${(connectMs / 1000).toFixed(1)} s, sync ${(syncMs / 1000).toFixed(1)} s, join ${(joinMs / 1000).toFixed(1)} s`;
      log(`+${result.joined} ${kind} followers (${group}) in ${(result.ms / 1000).toFixed(1)} s (${stages})${result.failed ? `, ${result.failed} failed: ${result.firstError}` : ""}${rtt}`);
      return result;
    };

    /** Runs control changes, reading the servers' CPU (/proc, 10 ms ticks) around them. */
    const measureChanges = async (request: Omit<Extract<LoadRequest, { cmd: "changes" }>, "cmd">, on: Array<{ label: string; pid: number }>): Promise<MeasuredChanges> => {
      const before = on.map(({ pid }) => cpuMs(pid));
      const run = await driver.call({ cmd: "changes", ...request }, 60_000 + request.commands.length * 12_000);
      return { ...run, serverCpu: on.map(({ label, pid }, i) => ({ label, ms: cpuMs(pid) - before[i]! })) };
    };
    const onA = [{ label: "server", pid: serverA.pid }];

    // Sync skew and fan-out, from the same control changes, at N = 100 and 1,000.
    await phase("skew and fan-out, N=100", async () => {
      await driver.call({ cmd: "setup", commands: [{ type: "pause" }, { type: "rate", rate: 1 }] }, 30_000);
      await connect(serverA.url, 100, "replay", "r1");
      await settle();
      await sampleRss();
      const run = await measureChanges({ commands: skewCommands(changes, at), groups: ["r1"], skew: true }, onA);
      results.push(...skewRows(100, run), ...fanoutRows("N=100", run, false));
    }, { op: "<=", value: 5, unit: "ms" });
    await phase("skew and fan-out, N=1000", async () => {
      await connect(serverA.url, 900, "replay", "r2");
      await settle();
      await sampleRss();
      const run = await measureChanges({ commands: skewCommands(changes, at), groups: ["r1", "r2"], skew: true }, onA);
      results.push(...skewRows(1000, run), ...fanoutRows("N=1000", run, true));
    }, { op: "<=", value: FRAME_MS, unit: "ms" });

    // Emission lateness with 1,000 followers, and the server's CPU during the 600× run.
    const emissionRun = async (rate: number, fromSim: number, toSim: number, note = "") => {
      let cpuStart = 0;
      let wallStart = 0;
      let cpu = Number.NaN;
      let wall = Number.NaN;
      driver.onMark((name) => {
        if (name === "start") {
          cpuStart = cpuMs(serverA.pid);
          wallStart = performance.now();
        } else if (name === "end" && wallStart) {
          cpu = cpuMs(serverA.pid) - cpuStart;
          wall = performance.now() - wallStart;
        }
      });
      try {
        const run = await driver.call({ cmd: "emission", rate, fromSim, toSim, groups: ["r1", "r2"] }, (toSim - fromSim) / rate + 60_000);
        const perMessage = rate >= 60 ? ` (${fmt(cpu / Math.max(1, run.events), 1)} ms per message)` : "";
        const cpuNote = `; server CPU ${fmt((cpu / wall) * 100, 1)}% of a core over the run${perMessage}, followers' background clock syncs included`;
        results.push(...emissionRows(rate, 1000, run, cpuNote + note));
        return { run, cpuMsPerSecond: cpu / (wall / 1000) };
      } finally {
        driver.onMark(undefined);
      }
    };
    await phase("emission 60×", async () => {
      await emissionRun(60, at(15, 8, 30), quick ? at(15, 14, 30) : at(15, 30));
    }, { op: "<=", value: 5, unit: "ms" });
    await phase("emission 600×", async () => {
      const { run, cpuMsPerSecond } = await emissionRun(600, at(15, 8, 30), quick ? at(16, 10, 30) : at(16, 40));
      results.push({
        name: "server CPU, 600× replay to 1,000 followers",
        value: cpuMsPerSecond / 10,
        unit: "% of a core",
        note: `server CPU ms per wall second ÷ 10, over ${(run.wallMs / 1000).toFixed(1)} s (/proc); the load process used ${fmt((run.loadCpuMs / run.wallMs) * 100, 0)}% of a core`,
      });
    }, { op: "<=", value: 5, unit: "ms" });
    if (!quick) {
      await phase("emission 1×", async () => {
        // 15:21 and 15:22 GMT: entries a minute apart, about a minute of wall time.
        await emissionRun(1, at(15, 20, 57), at(15, 22) + 500, "; 15:20:57→15:22 GMT, 1 min of wall time to keep the suite under 7 min");
      }, { op: "<=", value: 5, unit: "ms" });
    } else {
      results.push({ name: "emission lateness (1×)", value: Number.NaN, unit: "ms", note: "skipped in --quick (a minute of wall time); the full run covers 15:21 and 15:22 GMT" });
    }

    // Back to the pre-roll, so that joins carry no entries; then the big fan-out and capacity.
    const pauseAtStart = () => driver.call({ cmd: "setup", commands: [{ type: "pause" }, { type: "rate", rate: 1 }, { type: "seek", to: preRoll }] }, 60_000);
    if (!quick) {
      await phase("fan-out, N=5000", async () => {
        await pauseAtStart();
        const added = await connect(serverA.url, 4000, "raw", "x1");
        await settle();
        const status = await sampleRss();
        const run = await measureChanges({ commands: lightCommands(20, preRoll), groups: ["r1", "r2", "x1"], skew: false }, onA);
        const label = status.joined === 5000 ? "N=5000" : `N=${status.joined} of 5000`;
        results.push(...fanoutRows(label, run, false, added.stoppedBecause ? `; ${added.stoppedBecause}` : ""));
      });
    }

    const startB = () => {
      if (!databaseUrl) return Promise.reject(new Error(`no running PostgreSQL found in server A's ${databaseDir}`));
      starting ??= startServer({ databaseUrl }).then((server) => {
        servers.push(server);
        return server;
      });
      return starting;
    };
    await phase("capacity", async () => {
      await pauseAtStart();
      const goal = quick ? 2000 : 10_000;
      const before = await driver.call({ cmd: "status" }, 10_000);
      void startB().catch(() => undefined); // awaited (and its failure reported) by the scale-out phase
      const added = await connect(serverA.url, goal - before.joined, "raw", "x2", quick ? 30_000 : 150_000);
      await settle();
      const after = await sampleRss();
      const limit = added.stoppedBecause ?? (added.failed ? `${added.failed} failed: ${added.firstError}` : `no limit hit up to ${goal} (the number tried${quick ? " in --quick" : ""})`);
      const dropped = Object.entries(after.disconnects).map(([reason, count]) => `${count} ${reason}`).join(", ");
      results.push({
        name: "connections held by one server process",
        value: after.joined,
        unit: "followers",
        target: { op: ">=", value: goal },
        note: `joined and still connected after ${goal} were opened; ${limit}${dropped ? `; disconnects so far: ${dropped}` : ""}${quick ? "; the claim is 10,000 (full run)" : ""}`,
      });
      const points = rssPoints.map(({ n, rss }) => `${n}: ${fmt(rss / 2 ** 20, 0)}`).join(", ");
      results.push({
        name: "server RSS per connection",
        value: slope(rssPoints.map(({ n, rss }) => [n, rss])) / 1024,
        unit: "KiB",
        note: `least-squares slope of server RSS over followers joined (followers: MiB = ${points}; no forced GC, so ±GC noise); perMessageDeflate off`,
      });
      if (!quick && after.joined > 5000) {
        await startB().catch(() => undefined); // idle from here on
        const run = await measureChanges({ commands: lightCommands(6, preRoll), groups: ["r1", "r2", "x1", "x2"], skew: false }, onA);
        results.push(...fanoutRows(`N=${after.joined}`, run, false).filter((row) => row.name.startsWith("fan-out p99")));
      }
    }, { op: ">=", value: quick ? 2000 : 10_000, unit: "followers" });

    // Scale-out: the presenter stays on A; followers join through a second process, B.
    await phase("scale-out", async () => {
      await driver.call({ cmd: "disconnect", groups: ["r1", "r2", "x1", "x2"] }, 60_000);
      const b = await startB();
      log(`server B pid ${b.pid} at ${b.url}`);
      await pauseAtStart();
      const n = quick ? 100 : 1000;
      await connect(b.url, n, "replay", "b");
      await settle();
      const run = await measureChanges({ commands: lightCommands(quick ? 10 : 30, preRoll), groups: ["b"], skew: true }, [
        { label: "A", pid: serverA.pid },
        { label: "B", pid: b.pid },
      ]);
      const skews = run.changes.map((change) => change.skewWallMs ?? Number.NaN).filter(Number.isFinite);
      const extra =
        `; presenter on process A, followers on B, through the Postgres adapter; sync skew across processes p99 ${fmt(percentile(skews, 99))} ms ` +
        `(B's followers' median offset − the presenter's = ${fmt(run.offsetVsPresenterMs ?? Number.NaN)} ms: the two processes' clocks)`;
      results.push(...fanoutRows(`other process, N=${n}`, run, !quick, extra));
    }, quick ? undefined : { op: "<=", value: FRAME_MS, unit: "ms" });
  } finally {
    await starting?.catch(() => undefined); // a start in flight joins `servers` before we stop them
    await load?.stop().catch((error: unknown) => log(`stopping the load process: ${String(error)}`));
    for (const server of servers.reverse()) await server.stop().catch((error: unknown) => log(`stopping server ${server.pid}: ${String(error)}`));
    if (databaseDir) fs.rmSync(databaseDir, { recursive: true, force: true });
  }
  return results;
}
