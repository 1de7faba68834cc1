/**
 * Wires the replay engine into a socket.io server: the Postgres adapter (so
 * several processes can serve one session), the session manager, and the
 * handlers. Returns what to call on shutdown.
 */
import { performance } from "node:perf_hooks";
import { createAdapter } from "@socket.io/postgres-adapter";
import pg from "pg";
import type { Db } from "../db/database";
import type { FeedRepository } from "../feeds/feed-repository";
import { FeedTimelines } from "./feed-timeline";
import { JoinGuard } from "./join-guard";
import { SessionDirectory } from "./session-directory";
import { ClassQuestions } from "../classroom/questions";
import { QuestionStore } from "../classroom/question-store";
import { SessionManager } from "./session-manager";
import { attachReplay, socketRooms, type AddressLimits, type ReplayServer, type SessionChangeJson } from "./socket-server";
import { localBroadcast } from "./socket/broadcast";
import { sessionRoom } from "./socket/transport";
import { SessionStore } from "./session-store";

/** Server time: epoch milliseconds with sub-millisecond precision, never stepping back within a process. */
export const serverNow = (): number => performance.timeOrigin + performance.now();

export interface ReplayEngine {
  manager: SessionManager;
  /**
   * What a session page's code names, for a client (an address key), under
   * the socket's rule: a session that exists is always found, whatever the
   * client guessed before; only codes that name nothing use up its allowance.
   */
  sessions: SessionDirectory;
  /** A feed was deleted (its sessions with it): their sockets, on every process, hear that they ended. */
  feedDeleted(slug: string): void;
  close(): Promise<void>;
}

const FEED_DELETED = "This session has ended: its feed was deleted from the library.";
/** How often expired sessions are deleted. */
const EXPIRY_SWEEP_MS = 10 * 60_000;

export function startReplay(io: ReplayServer, options: { db: Db; feeds: FeedRepository; databaseUrl: string; limits: AddressLimits }): ReplayEngine {
  // Gives up connecting after 5 s: a database that accepts but never answers
  // must not leave the adapter waiting forever.
  const adapterPool = new pg.Pool({ connectionString: options.databaseUrl, max: 4, connectionTimeoutMillis: 5000 });
  adapterPool.on("error", (error) => console.error("relive: socket.io adapter database error:", error.message));
  // A connection the adapter holds when the database goes away must not
  // become an uncaught exception; the adapter reconnects by itself.
  adapterPool.on("connect", (connection) => connection.on("error", () => undefined));
  io.adapter(
    createAdapter(adapterPool, {
      errorHandler: (error) => console.error("relive: socket.io adapter:", error.message),
    }),
  );

  const store = new SessionStore(options.db);
  const manager: SessionManager = new SessionManager({
    store,
    timelines: new FeedTimelines(options.feeds),
    now: serverNow,
    broadcast: localBroadcast(socketRooms(io)),
    publish: (change, sentAt) => io.serverSideEmit("relive:session", { ...change, expiresAt: change.expiresAt.toISOString(), sentAt }),
  });
  io.on("relive:session", ({ sentAt, ...change }: SessionChangeJson) => manager.onRemoteChange({ ...change, expiresAt: new Date(change.expiresAt) }, sentAt));
  const guard = new JoinGuard(serverNow);
  const questions = new ClassQuestions(new QuestionStore(options.db), serverNow);
  const connections = attachReplay(io, manager, guard, serverNow, options.limits, questions);
  const endFeed = (slug: string) => {
    for (const sessionId of manager.unloadFeed(slug)) connections.ended(sessionId, FEED_DELETED);
  };
  io.on("relive:feed-deleted", endFeed);

  const pruning = setInterval(() => {
    manager.prune((id) => (io.sockets.adapter.rooms.get(sessionRoom(id))?.size ?? 0) > 0);
  }, 60_000);
  pruning.unref();
  // Sessions end SESSION_TTL_MS after their last use: they go, with their questions and answers,
  // at start and every EXPIRY_SWEEP_MS after (a database away is tried again at the next sweep).
  const sweep = () => void store.deleteExpired(new Date()).catch(() => undefined);
  sweep();
  const sweeping = setInterval(sweep, EXPIRY_SWEEP_MS);
  sweeping.unref();

  const sessions = new SessionDirectory(manager, guard);
  return {
    manager,
    sessions,
    feedDeleted(slug) {
      endFeed(slug);
      io.serverSideEmit("relive:feed-deleted", slug);
    },
    async close() {
      clearInterval(pruning);
      clearInterval(sweeping);
      manager.close();
      // The adapter holds its LISTEN connection out of the pool. Closing the
      // adapter releases it, but one connection was still seen checked out
      // after that (postgres-adapter 0.5.0), and pool.end() would then wait
      // forever. Give it a second; the database closes what is left.
      await Promise.resolve(io.of("/").adapter.close()).catch(() => undefined);
      await Promise.race([adapterPool.end().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    },
  };
}
