/**
 * What the chaos tests share: real servers (from the integration helpers),
 * followers that check their own stream, a TCP proxy that cuts real
 * connections, direct reads of the database, and the counts that
 * `npm run test:chaos` sums up.
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import WebSocket from "ws";
import { io, type Socket } from "socket.io-client";
import { afterAll, expect } from "vitest";
import { ReplayClient, type ReplaySocket } from "../../client/replay-client";
import { PROTOCOL_VERSION, type ProtocolEntry } from "../../domain/protocol";
import type { ClockState } from "../../domain/replay/clock";
import { EmbeddedPostgres } from "../../server/db/embedded-postgres";
import { ADDRESS_CAPS } from "../../server/http/security";
import { runFileCleanups, spawnServer as spawnServerProcess, tempDataDir, unusedPort, withClient, type ServerProcess } from "../integration/helpers";

export { createTestDatabase, delay, processesMentioning, projectRoot, refusalOf, tempDataDir, unusedPort, withClient } from "../integration/helpers";
export type { ServerProcess } from "../integration/helpers";

/**
 * The real server, as the integration tests start it, with one difference:
 * here one loopback address stands in for a whole school (a thousand
 * followers in the reconnect storm, each a device in real life), so the cap
 * on sockets per address is raised tenfold unless a test sets its own.
 */
export function spawnServer(...[env, options]: Parameters<typeof spawnServerProcess>): ReturnType<typeof spawnServerProcess> {
  return spawnServerProcess({ RELIVE_MAX_SOCKETS_PER_ADDRESS: String(10 * ADDRESS_CAPS.socketsPerAddress), ...env }, options);
}

export const FEED = "sputnik-helsinki-2018";

/** The long variants (a 5-minute network cut, two 30 s database outages) run with RELIVE_CHAOS_FULL=1. */
export const FULL = process.env.RELIVE_CHAOS_FULL === "1";

// ---------------------------------------------------------------------------
// Counts for the summary

export interface ChaosCounts {
  faultsSurvived: number;
  messagesFuzzed: number;
  attacksRefused: number;
  entriesLost: number;
  sessionsLost: number;
}

/** Appends counts to the file the runner (scripts/chaos.ts) names; a no-op outside it. */
export function record(counts: Partial<ChaosCounts>): void {
  const file = process.env.RELIVE_CHAOS_STATS;
  if (file) fs.appendFileSync(file, `${JSON.stringify(counts)}\n`);
}

// ---------------------------------------------------------------------------
// Clients

const sockets = new Set<Socket>();

export interface ConnectOptions {
  protocol?: number;
  extraHeaders?: Record<string, string>;
  /** Reconnection delay in ms (socket.io's default is 1 s, randomised). */
  reconnectionDelay?: number;
  transports?: Array<"websocket" | "polling">;
}

export function connect(url: string, options: ConnectOptions = {}): ReplaySocket {
  const socket = io(url, {
    auth: { protocol: options.protocol ?? PROTOCOL_VERSION },
    transports: options.transports ?? ["websocket"],
    reconnectionDelay: options.reconnectionDelay ?? 200,
    reconnectionDelayMax: Math.max(options.reconnectionDelay ?? 200, 1000),
    extraHeaders: options.extraHeaders,
    forceNew: true,
  });
  sockets.add(socket);
  return socket as ReplaySocket;
}

/**
 * Call once per file: after its last test, closes its sockets, runs `first`,
 * then stops the servers and databases its beforeAll hooks started.
 */
export function cleanUpAfterFile(first: () => Promise<void> | void = () => undefined): void {
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    sockets.clear();
    await first();
    await runFileCleanups();
  });
}

export async function replayClient(url: string, options: ConnectOptions = {}): Promise<ReplayClient> {
  const client = new ReplayClient(connect(url, options));
  await client.sync.sync();
  return client;
}

export function connected(replaySocket: Socket | ReplaySocket): Promise<void> {
  const socket = replaySocket as Socket;
  if (socket.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", (error: Error) => reject(error));
  });
}

/**
 * Watches a follower's raw stream, message by message, across reconnects:
 * every `session:entries` must continue exactly from what the client holds
 * (or be a duplicate the client ignores, which is counted). What the client
 * ends up holding is checked against the feed with `lostAgainst`.
 */
export function watchStream(client: ReplayClient) {
  const duplicates: string[] = [];
  const seen = new Map<number, string>();
  client.socket.on("session:entries", ({ from, to }) => {
    const held = client.cursor; // everything it holds, shown or not yet
    if (to <= held) duplicates.push(`entries ${from}..${to} while holding ${held}`);
  });
  client.on((event) => {
    if (event.type === "entries" || event.type === "state" || event.type === "resynced") {
      event.view.entries.forEach((entry, index) => seen.set(index, entry.id));
    }
  });
  return {
    duplicates,
    /** Entries the client should hold (feed prefix of `expected`) but does not, or holds wrongly. */
    lostAgainst(feed: ProtocolEntry[], expected: number): number {
      const ids = client.view?.entries.map((entry) => entry.id) ?? [];
      let lost = Math.max(0, expected - ids.length);
      for (let index = 0; index < Math.min(ids.length, expected); index++) if (ids[index] !== feed[index]!.id) lost++;
      return lost;
    },
    /** Entries held twice (the same id at two places). */
    doubled(): number {
      const ids = client.view?.entries.map((entry) => entry.id) ?? [];
      return ids.length - new Set(ids).size;
    },
  };
}

export async function feedEntries(url: string): Promise<ProtocolEntry[]> {
  const response = await fetch(`${url}/api/feeds/${FEED}`);
  return ((await response.json()) as { entries: ProtocolEntry[] }).entries;
}

// ---------------------------------------------------------------------------
// The database behind a server

/**
 * Runs `work` on a server whose PostgreSQL is the test's own (given by
 * DATABASE_URL), so that the test can stop and start it; afterwards the
 * server must exit cleanly on SIGTERM, and the database is stopped and removed.
 */
export async function withOwnDatabase(work: (server: ServerProcess, database: EmbeddedPostgres, databaseUrl: string) => Promise<void>): Promise<void> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "relive-chaos-pg-"));
  await fs.promises.chmod(dir, 0o755);
  const database = new EmbeddedPostgres({ dataDir: dir, port: await unusedPort() });
  try {
    const databaseUrl = await database.start();
    const server = await spawnServer({ DATABASE_URL: databaseUrl, RELIVE_DATA_DIR: await tempDataDir() });
    expect(server.url, server.output()).toBeDefined();
    await work(server, database, databaseUrl);
    expect((await server.stop("SIGTERM")).code).toBe(0);
  } finally {
    await database.stop();
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

export async function embeddedUrl(dataDir: string): Promise<string> {
  const url = await EmbeddedPostgres.runningUrl(dataDir);
  if (!url) throw new Error(`No embedded PostgreSQL running in ${dataDir}`);
  return url;
}

/** A replay_session row: the clock's columns, the session's settings, and bookkeeping. */
export type SessionRow = ClockState & {
  id: string;
  kind: string;
  code: string | null;
  secretHash: string;
  pauseOn: string;
  markedEntryKeys: string[];
  pinnedCards: string[];
  revealedCards: string[];
  [column: string]: unknown;
};

export async function sessionRow(databaseUrl: string, sessionId: string): Promise<SessionRow | undefined> {
  return withClient(databaseUrl, async (client) => (await client.query(`SELECT * FROM replay_session WHERE id = $1`, [sessionId])).rows[0]);
}

/** The session's state as the database holds it, without bookkeeping columns (activity times). */
export function stateOf(row: SessionRow): Record<string, unknown> {
  const { lastActiveAt: _lastActive, expiresAt: _expires, createdAt: _created, ...state } = row;
  return state;
}

// ---------------------------------------------------------------------------
// Processes

/** Runs the server with the inspector on a free port, for `liveHeapMiB`. */
export const INSPECTED_SERVER = [process.execPath, "--inspect=127.0.0.1:0", "--import", "tsx", "server/main.ts"];

/**
 * The server's live JavaScript heap, in MiB, right after a full garbage
 * collection (through the inspector of a server started with
 * INSPECTED_SERVER). Unlike RSS, it does not depend on when V8 last
 * collected, so growth is retained memory: a leak.
 */
export async function liveHeapMiB(output: string): Promise<number> {
  const endpoint = /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1];
  if (!endpoint) throw new Error("the server was not started with INSPECTED_SERVER");
  const ws = new WebSocket(endpoint);
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  try {
    let id = 0;
    const call = (method: string, params: object = {}) =>
      new Promise<any>((resolve) => {
        const mine = ++id;
        const onMessage = (data: WebSocket.RawData) => {
          const message = JSON.parse(String(data));
          if (message.id !== mine) return;
          ws.off("message", onMessage);
          resolve(message.result);
        };
        ws.on("message", onMessage);
        ws.send(JSON.stringify({ id: mine, method, params }));
      });
    await call("HeapProfiler.collectGarbage");
    await call("HeapProfiler.collectGarbage"); // a second pass frees what the first only unlinked
    const { result } = await call("Runtime.evaluate", { expression: "process.memoryUsage().heapUsed", returnByValue: true });
    return (result.value as number) / 2 ** 20;
  } finally {
    ws.close();
  }
}

/** Resident memory of a process, in MiB. */
export function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

// ---------------------------------------------------------------------------
// A TCP proxy that can cut real connections

/**
 * Forwards a local port to the server. `cut("reset")` destroys every
 * connection (both ends see it close at once) and refuses new ones.
 * `cut("silent")` stops forwarding but keeps connections open, as a dead
 * Wi-Fi does: each end notices only through its own heartbeats, and a close
 * by one end does not reach the other. New connections are accepted and left
 * silent. `restore()` forwards again what is still open (TCP would deliver
 * what was sent meanwhile) and closes what either end gave up on.
 */
export class TcpProxy {
  private readonly server: net.Server;
  private readonly pairs = new Set<Pair>();
  private mode: "open" | "reset" | "silent" = "open";
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {
    this.server = net.createServer((client) => this.accept(client));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get connections(): number {
    return this.pairs.size;
  }

  async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(port, "127.0.0.1", resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  cut(mode: "reset" | "silent"): void {
    this.mode = mode;
    for (const pair of this.pairs) {
      if (mode === "reset") this.drop(pair, true);
      else halt(pair);
    }
  }

  restore(): void {
    this.mode = "open";
    for (const pair of this.pairs) {
      if (pair.client.destroyed || pair.upstream.destroyed) this.drop(pair, true);
      else flow(pair);
    }
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) this.drop(pair, false);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    if (this.mode === "reset") {
      client.resetAndDestroy();
      return;
    }
    const pair: Pair = { client, upstream: net.connect(this.target.port, this.target.host) };
    this.pairs.add(pair);
    for (const end of [pair.client, pair.upstream]) {
      end.on("error", () => undefined);
      end.on("close", () => {
        // Through a silent cut, a close stays on its side until restore().
        if (this.mode !== "silent") this.drop(pair, false);
      });
    }
    if (this.mode === "silent") halt(pair);
    else flow(pair);
  }

  private drop(pair: Pair, reset: boolean): void {
    this.pairs.delete(pair);
    if (reset && !pair.client.destroyed) pair.client.resetAndDestroy();
    else pair.client.destroy();
    pair.upstream.destroy();
  }
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
}

function flow({ client, upstream }: Pair): void {
  client.pipe(upstream);
  upstream.pipe(client);
}

function halt({ client, upstream }: Pair): void {
  client.unpipe(upstream);
  upstream.unpipe(client);
  client.pause();
  upstream.pause();
}
