/**
 * What counts as a database outage (server/db/outage.ts), in the shapes a
 * real one produced (tests/chaos/postgres-outage.test.ts stops the database
 * under a running server): by type and code, never by the message's words.
 */
import { describe, expect, it } from "vitest";
import { Prisma } from "@/server/db/generated/client";
import { DatabaseUnavailableError, isDatabaseUnavailable } from "@/server/db/outage";
import { classify } from "@/server/replay/socket/dispatch";
import { RefusalError } from "@/server/replay/refusals";

const known = (code: string, meta?: Record<string, unknown>) => new Prisma.PrismaClientKnownRequestError("…", { code, clientVersion: "test", meta });
const adapter = (cause: Record<string, unknown>) => ({ driverAdapterError: { name: "DriverAdapterError", cause } });

describe("isDatabaseUnavailable", () => {
  it("is true for what a stopped, squatted or overloaded database throws", () => {
    // A model query while the server is down; the same as a raw query (P2010).
    expect(isDatabaseUnavailable(known("P1001", adapter({ kind: "DatabaseNotReachable", host: "127.0.0.1", port: 5432 })))).toBe(true);
    expect(isDatabaseUnavailable(known("P2010", adapter({ kind: "DatabaseNotReachable" })))).toBe(true);
    // A query cut by the server shutting down.
    expect(isDatabaseUnavailable(known("P2010", adapter({ kind: "postgres", code: "57P01", originalCode: "57P01" })))).toBe(true);
    for (const kind of ["ConnectionClosed", "SocketTimeout", "TooManyConnections"]) expect(isDatabaseUnavailable(known("P2010", adapter({ kind })))).toBe(true);
    for (const code of ["P1002", "P1008", "P1017", "P2024"]) expect(isDatabaseUnavailable(known(code))).toBe(true);
    // pg's codeless "Connection terminated…", as the pool types it.
    expect(isDatabaseUnavailable(new DatabaseUnavailableError("Connection terminated due to connection timeout"))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("x"), { code: "08006" }))).toBe(true);
    expect(isDatabaseUnavailable(new Error("wrapped", { cause: Object.assign(new Error("x"), { code: "ECONNRESET" }) }))).toBe(true);
  });

  it("is false for a defect, whatever its message says", () => {
    expect(isDatabaseUnavailable(new Error("Can't reach database server: connection lost"))).toBe(false);
    expect(isDatabaseUnavailable(known("P2002", adapter({ kind: "UniqueConstraintViolation" })))).toBe(false);
    expect(isDatabaseUnavailable(known("P2010", adapter({ kind: "postgres", code: "42P01" })))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("connection is not a function"))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});

describe("classify, the one error boundary", () => {
  it("answers refusals as they are, outages as unavailable, defects as internal", () => {
    expect(classify(new RefusalError("not_joined", "Join the session first"), "session:sync")).toEqual({ ok: false, reason: "not_joined", message: "Join the session first" });
    expect(classify(known("P1001"), "session:control").reason).toBe("unavailable");
    const logged: unknown[] = [];
    const error = console.error;
    console.error = (...args: unknown[]) => void logged.push(args);
    try {
      expect(classify(new Error("connection refused by a bug"), "session:control").reason).toBe("internal");
    } finally {
      console.error = error;
    }
    expect(logged).toHaveLength(1);
  });
});
