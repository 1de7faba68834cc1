/**
 * What a database outage looks like, decided by the errors' types and codes,
 * never by their wording: the socket layer refuses such a request as
 * `unavailable` (try again shortly) instead of `internal` (a defect).
 *
 * An outage reaches us in four shapes:
 * - Prisma's own codes: P1001 (cannot reach), P1002 (timed out), P1008
 *   (operation timed out), P1017 (connection closed), P2024 (pool timeout);
 *   an initialization error;
 * - the pg driver adapter's error kinds, in `meta.driverAdapterError.cause`
 *   (a raw query's P2010 carries them too): not reachable, connection closed,
 *   socket timeout, too many connections, TLS;
 * - a server that says it is going away, by SQLSTATE: class 08 (connection
 *   exception), 57P01–57P03 (shutting down, crashed, not yet accepting), 53300;
 * - Node's socket codes (ECONNREFUSED, ECONNRESET, …).
 * The pg client also fails without any code when a connection ends or times
 * out ("Connection terminated…"); the pool below gives those a type,
 * DatabaseUnavailableError, before they reach Prisma.
 */
import pg from "pg";
import { Prisma } from "./generated/client";

/** The database did not answer or dropped the connection; the same request may succeed once it is back. */
export class DatabaseUnavailableError extends Error {
  override readonly name = "DatabaseUnavailableError";
}

const PRISMA_CODES: ReadonlySet<string> = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
const ADAPTER_KINDS: ReadonlySet<string> = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections", "TlsConnectionError"]);
const NODE_CODES: ReadonlySet<string> = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);
const SQLSTATES: ReadonlySet<string> = new Set(["57P01", "57P02", "57P03", "53300"]);

function unavailableCode(code: unknown): boolean {
  return typeof code === "string" && (NODE_CODES.has(code) || SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code));
}

/** A driver adapter error's cause: `{ kind, code? }` (see @prisma/adapter-pg). */
function unavailableAdapterCause(cause: unknown): boolean {
  if (typeof cause !== "object" || cause === null) return false;
  const { kind, code } = cause as { kind?: unknown; code?: unknown };
  return (typeof kind === "string" && ADAPTER_KINDS.has(kind)) || (kind === "postgres" && unavailableCode(code));
}

/** Whether `error` (or what caused it) says the database is away, rather than that a request was wrong. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 4) return false;
  if (error instanceof DatabaseUnavailableError || error instanceof Prisma.PrismaClientInitializationError) return true;
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (PRISMA_CODES.has(error.code)) return true;
    const adapterError = (error.meta as { driverAdapterError?: { cause?: unknown } } | undefined)?.driverAdapterError;
    if (unavailableAdapterCause(adapterError?.cause)) return true;
  }
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  if (unavailableCode(code)) return true;
  // A DriverAdapterError thrown as it is: its cause is the adapter's `{ kind }`.
  if (unavailableAdapterCause(cause)) return true;
  return cause instanceof Error && isDatabaseUnavailable(cause, depth + 1);
}

/**
 * A codeless error from the pg client is the connection failing (a server
 * response always has a SQLSTATE; a socket error a Node code): give it a type.
 * Programming errors (TypeError and the like) pass through untouched.
 */
function typed(error: unknown): unknown {
  if (!(error instanceof Error) || Object.getPrototypeOf(error) !== Error.prototype) return error;
  if (typeof (error as { code?: unknown }).code === "string") return error;
  return new DatabaseUnavailableError(error.message, { cause: error });
}

type Callback = (...args: unknown[]) => void;

/** pg's pool, with the connection's codeless failures typed (see `typed`). The driver adapter queries through it. */
export class OutageTypedPool extends pg.Pool {
  override query(...args: unknown[]): never {
    const query = super.query as (...args: unknown[]) => unknown;
    if (typeof args.at(-1) === "function") return query.apply(this, args) as never;
    return (query.apply(this, args) as Promise<unknown>).catch((error: unknown) => {
      throw typed(error);
    }) as never;
  }

  override connect(...args: unknown[]): never {
    const connect = super.connect as (...args: unknown[]) => unknown;
    if (typeof args[0] === "function") return connect.apply(this, args) as never;
    return (connect.apply(this, []) as Promise<pg.PoolClient>).then(typedClient, (error: unknown) => {
      throw typed(error);
    }) as never;
  }
}

const TYPED = Symbol("relive.typedClient");

/** A client checked out for a transaction: its promise-form queries fail typed too. */
function typedClient(client: pg.PoolClient): pg.PoolClient {
  const marked = client as pg.PoolClient & { [TYPED]?: true };
  if (marked[TYPED]) return client;
  marked[TYPED] = true;
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: Callback }).query = (...args: unknown[]) => {
    const result = query(...args);
    if (typeof args.at(-1) === "function" || !(result instanceof Promise)) return result;
    return result.catch((error: unknown) => {
      throw typed(error);
    });
  };
  return client;
}
