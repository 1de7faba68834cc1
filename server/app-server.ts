/**
 * One process, one port: Next's pages, the /api routes and socket.io share an
 * HTTP server. `startServer` brings the parts up in order and `close` takes
 * them down in reverse: socket.io, HTTP, Next, Prisma, then PostgreSQL.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import next from "next";
import { Server as SocketServer } from "socket.io";
import { createPrismaClient, migrate, openDatabase, type Db } from "./db/database";
import type { Env } from "./env";
import { projectRoot } from "./env";
import { ConfigError } from "./errors";
import { FeedRepository } from "./feeds/feed-repository";
import { seedDatabase } from "./feeds/seed";
import { handleApi, isApiRequest, sendJson, type ApiContext } from "./http/api";
import {
  addressKey,
  applySecurityHeaders,
  bodyTooLarge,
  closeAfterAnswer,
  closeIfBodyUnread,
  HostAllowList,
  malformedPath,
  ORIGIN_REFUSAL,
  originAllowed,
  readBodyWithin,
  refuseTooLarge,
  refuseUpgrade,
} from "./http/security";
import { LibraryGuard } from "./library/guard";
import { handleLibraryApi, isLibraryApi, type LibraryApiContext } from "./library/library-api";
import { followStoredKey, loadLibraryKey } from "./library/library-key";
import { startReplay } from "./replay";
import type { ReplayServer } from "./replay/socket-server";
import { prepareSessionPage } from "./replay/session-pages";
import { joinAddress } from "./join-address";
import { provideServices } from "./services";

export interface RunningServer {
  /** The base URL, e.g. http://localhost:3000 */
  url: string;
  port: number;
  db: Db;
  /** A library key generated at this start (none was set or stored), for the banner to print once. */
  generatedLibraryKey?: string;
  close(): Promise<void>;
}

type Disposer = () => Promise<void> | void;

export async function startServer(env: Env, log: (line: string) => void = console.log): Promise<RunningServer> {
  // Run in reverse on close, or on a failed start-up.
  const disposers: Disposer[] = [];
  const dispose = async () => {
    for (const disposer of disposers.reverse()) {
      try {
        await disposer();
      } catch (error) {
        console.error("relive: error while shutting down:", error);
      }
    }
  };

  let handleRequest: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) =>
    sendJson(res, 503, { status: "starting", message: "Relive is starting" });
  const httpServer = http.createServer((req, res) => handleRequest(req, res));

  try {
    // Claim the port first: a port in use is the cheapest mistake to report.
    // (HTTP is closed by the socket.io step below once that exists, so that
    // the order is socket.io, HTTP, Next, Prisma, PostgreSQL.)
    const port = await listen(httpServer, env.PORT, env.HOST);
    disposers.push(() => closeHttp(httpServer));

    const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.RELIVE_DATA_DIR, log });
    if (database.embedded) {
      const embedded = database.embedded;
      disposers.push(() => embedded.stop());
      log(`Database: embedded PostgreSQL in ${embedded.clusterDir}`);
    } else {
      log("Database: DATABASE_URL");
    }
    await migrate(database.url, log);

    const db = createPrismaClient(database.url);
    disposers.push(() => db.$disconnect());
    if (!env.RELIVE_SKIP_SEED) await seedDatabase(db, log);

    const library = await loadLibraryKey(db, env.RELIVE_ADMIN_KEY);
    if (library.from === "database") disposers.push(followStoredKey(db, library.key));
    log(`Library key: ${library.from === "env" ? "RELIVE_ADMIN_KEY" : library.generated ? "generated (printed below, once)" : "stored (hashed) in the database"}`);

    const feeds = new FeedRepository(db);
    const api: ApiContext = { feeds, pingDatabase: async () => void (await db.$queryRaw`SELECT 1`) };

    const nextApp = next({ dev: env.NODE_ENV === "development", dir: projectRoot, hostname: "localhost", port });
    await nextApp.prepare();
    disposers.push(() => nextApp.close());
    const nextHandler = nextApp.getRequestHandler();
    const nextUpgrade = nextApp.getUpgradeHandler();

    const hosts = new HostAllowList(allowedHostNames(env));
    const io: ReplayServer = new SocketServer(httpServer, {
      serveClient: false,
      // Leave other upgrade requests (Next's dev HMR) alone.
      destroyUpgrade: false,
      // Larger messages close the connection; handlers refuse anything over MAX_PAYLOAD_BYTES.
      maxHttpBufferSize: 16 * 1024,
      perMessageDeflate: false,
    });
    // Every socket.io request, not only the handshake (allowRequest sees only
    // that): each long-polling request and the upgrade to WebSocket. A
    // foreign Host is DNS rebinding; a foreign Origin, a page on another site
    // (cross-site WebSocket hijacking) riding on a connection it did not open.
    io.engine.use((req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => {
      const refusal =
        hosts.refusal(req.headers.host) ?? (originAllowed(req.headers.origin, req.headers.host, env.RELIVE_ALLOWED_ORIGINS) ? undefined : ORIGIN_REFUSAL);
      // An upgrade has no response object of its own (socket.io passes a stand-in).
      const upgrade = !(res instanceof http.ServerResponse);
      if (refusal && upgrade) return refuseUpgrade(req.socket, refusal.status, refusal.body);
      if (refusal) {
        closeAfterAnswer(req, res);
        return sendJson(res, refusal.status, refusal.body);
      }
      if (!upgrade) closeIfBodyUnread(req, res);
      next();
    });
    const replay = startReplay(io, {
      db,
      feeds,
      databaseUrl: database.url,
      limits: { socketsPerAddress: env.RELIVE_MAX_SOCKETS_PER_ADDRESS, sessionCreatesPerMinute: env.RELIVE_SESSION_CREATES_PER_MINUTE },
    });
    const libraryApi: LibraryApiContext = {
      db,
      guard: new LibraryGuard(library.key),
      secure: env.RELIVE_PUBLIC_URL?.startsWith("https:") ?? false,
      feedDeleted: (slug) => replay.feedDeleted(slug),
    };
    provideServices({
      feeds,
      sessions: replay.sessions,
      libraryKey: library.key,
      joinAddress: (requestHost) =>
        joinAddress({ requestHost, publicUrl: env.RELIVE_PUBLIC_URL, bindHost: env.HOST, port, interfaceName: env.RELIVE_INTERFACE }),
    });
    disposers.push(() => provideServices(undefined));
    // Once shutdown starts, every response says "Connection: close": a
    // keep-alive client finishes the request it has in flight, then goes,
    // instead of being cut off with the next one when the grace time ends.
    let draining = false;
    disposers.push(async () => {
      draining = true;
      // Not io.close(): that would also close the HTTP server, which is the next step's job.
      io.disconnectSockets(true);
      io.engine.close();
      await replay.close();
      await closeHttp(httpServer);
    });

    httpServer.on("upgrade", (req, socket, head) => {
      if (req.url?.startsWith("/socket.io/")) return; // socket.io's own listener, through the checks above
      const refusal = hosts.refusal(req.headers.host);
      if (refusal) return refuseUpgrade(socket, refusal.status, refusal.body);
      void nextUpgrade(req, socket, head);
    });
    const dev = env.NODE_ENV === "development";
    handleRequest = (req, res) => {
      const isApi = isApiRequest(req.url);
      const isLibrary = isLibraryApi(req.url);
      applySecurityHeaders(req, res, isApi ? "api" : "page", dev);
      const wrongHost = hosts.refusal(req.headers.host);
      if (wrongHost) {
        closeAfterAnswer(req, res);
        return sendJson(res, wrongHost.status, wrongHost.body);
      }
      if (draining) res.setHeader("Connection", "close");
      // The library's routes read their own bodies, uploads included, each against its own limit.
      if (isLibrary) return void routeLibrary(req, res);
      if (bodyTooLarge(req)) return refuseTooLarge(req, res);
      // No route takes a body: one that comes (chunked, say) is read and dropped first, and cut at the cap.
      void readBodyWithin(req, res).then((proceed) => proceed && route(req, res, isApi));
    };
    const routeLibrary = (req: http.IncomingMessage, res: http.ServerResponse) => {
      // A refusal sent before the body is read (no key, another site) closes the connection rather than draining it.
      closeIfBodyUnread(req, res);
      if (malformedPath(req.url)) return sendJson(res, 400, { error: "bad_url", message: "That address has a broken %-escape" });
      handleLibraryApi(req, res, libraryApi).catch((error: unknown) => {
        console.error("relive: request failed:", req.method, req.url, error);
        if (!res.headersSent) sendJson(res, 500, { error: "internal", message: "Something went wrong on the server" });
        else res.destroy();
      });
    };
    const route = (req: http.IncomingMessage, res: http.ServerResponse, isApi: boolean) => {
      if (malformedPath(req.url)) return sendJson(res, 400, { error: "bad_url", message: "That address has a broken %-escape" });
      // Pages only show things (Relive has no server actions): a POST to a page is refused, not rendered.
      if (!isApi && req.method !== "GET" && req.method !== "HEAD") {
        res.setHeader("Allow", "GET, HEAD");
        return sendJson(res, 405, { error: "method_not_allowed", message: `${req.method} is not supported here` });
      }
      const handled = isApi
        ? handleApi(req, res, api)
        : prepareSessionPage(req, res, (code) => replay.sessions.lookup(code, addressKey(req.socket.remoteAddress))).then(() => nextHandler(req, res));
      handled.catch((error: unknown) => {
        console.error("relive: request failed:", req.method, req.url, error);
        if (!res.headersSent) sendJson(res, 500, { error: "internal", message: "Something went wrong on the server" });
        else res.destroy();
      });
    };

    return { url: `http://localhost:${port}`, port, db, ...(library.generated ? { generatedLibraryKey: library.generated } : {}), close: dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** The names besides localhost and any IP that Host may carry (see HostAllowList). */
function allowedHostNames(env: Env): string[] {
  const names = [...env.RELIVE_ALLOWED_HOSTS];
  if (env.RELIVE_PUBLIC_URL) names.push(new URL(env.RELIVE_PUBLIC_URL).hostname.replace(/^\[|\]$/g, ""));
  // A name the server was told to listen on (HOST=relive.local) is one it answers to.
  if (!["0.0.0.0", "::"].includes(env.HOST)) names.push(env.HOST);
  return names;
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") {
        reject(new ConfigError(`Port ${port} is already in use. Stop the program using it, or set PORT to another port.`));
      } else if (error.code === "EACCES") {
        reject(new ConfigError(`No permission to listen on port ${port}. Use a port above 1023 (set PORT).`));
      } else {
        reject(new ConfigError(`Cannot listen on ${host}:${port}: ${error.message}`));
      }
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops accepting, lets in-flight requests finish (up to 5 s), then cuts the rest. */
async function closeHttp(server: http.Server): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), 5000);
  await closed;
  clearTimeout(timer);
}
