/**
 * Shared pieces of `npm run bench`: a real server in its own process with a
 * throwaway database, statistics, and the result shape the table prints.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const projectRoot = path.resolve(import.meta.dirname, "..");

export interface BenchContext {
  /** `--quick`: fewer sizes and repetitions, for a run under 2 minutes. */
  quick: boolean;
  log: (line: string) => void;
}

export interface Result {
  /** e.g. "sync skew p99 (N=1000)" */
  name: string;
  value: number;
  unit: string;
  /** The claim this figure is held to, if any. */
  target?: { op: "<=" | ">="; value: number };
  /** How much the figure moved across repetitions, e.g. "12.1–14.0 over 5 runs". */
  spread?: string;
  /** A peer's figure or a limit that was hit, in words. */
  note?: string;
}

export function percentile(values: readonly number[], p: number): number {
  return percentileOfSorted(Float64Array.from(values).sort(), p);
}

/** The same, for values already sorted ascending (several percentiles of one large sample). */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const median = (values: readonly number[]) => percentile(values, 50);

/** Median of repeated measurements, with the spread written out. */
export function summarise(runs: readonly number[], digits = 2): { value: number; spread: string } {
  const value = median(runs);
  const min = Math.min(...runs);
  const max = Math.max(...runs);
  return { value, spread: runs.length > 1 ? `${min.toFixed(digits)}–${max.toFixed(digits)} over ${runs.length} runs` : "1 run" };
}

export interface BenchServer {
  url: string;
  port: number;
  pid: number;
  child: ChildProcess;
  /** Milliseconds from spawn to a healthy /api/health. */
  readyMs: number;
  stop(): Promise<void>;
}

/**
 * Starts the real server (`node --import tsx server/main.ts`, as npm start
 * does, on an already built checkout) with a fresh embedded PostgreSQL, or
 * on `databaseUrl` when given (for two processes sharing one database).
 */
export async function startServer(options: { databaseUrl?: string; env?: Record<string, string> } = {}): Promise<BenchServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "relive-bench-"));
  fs.chmodSync(dataDir, 0o755);
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    cwd: projectRoot,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: "0",
      HOST: "127.0.0.1",
      RELIVE_DATA_DIR: dataDir,
      DATABASE_URL: options.databaseUrl ?? "",
      // The load comes from one address: thousands of followers, every one a socket.
      RELIVE_MAX_SOCKETS_PER_ADDRESS: "0",
      RELIVE_SESSION_CREATES_PER_MINUTE: "0",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ready on (http:\/\/localhost:\d+)/.exec(output);
      if (match) resolve(match[1]!.replace("localhost", "127.0.0.1"));
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`server exited (${code}) before it was ready:\n${output}`)));
  });
  // Ready means healthy, not merely listening.
  for (;;) {
    const response = await fetch(`${url}/api/health`).catch(() => undefined);
    if (response?.ok) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const readyMs = performance.now() - started;
  return {
    url,
    port: Number(new URL(url).port),
    pid: child.pid!,
    child,
    readyMs,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGINT");
        await exited;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resident memory of a process in bytes, from /proc (Linux). */
export function rssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? Number.NaN);
  return kb * 1024;
}

/** CPU time (user + system) of a process in milliseconds, from /proc (Linux). */
export function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
