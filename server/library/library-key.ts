/**
 * The library key: who may change the library (import, annotate, export, delete feeds).
 * Watching and class sessions need no key.
 *
 * The key comes from RELIVE_ADMIN_KEY, else from the database, where only its SHA-256 is kept
 * (one row, `library_key`). On the first start without either, a key is generated and returned
 * once, for the start-up banner to print with the library's URL, the way notebook servers print
 * their token; later starts find the hash and print no key. `npm run library-key` makes a new one,
 * and every running server takes it within KEY_REFRESH_MS (followStoredKey): the old key and its
 * cookies stop working then, without a restart.
 *
 * The browser enters the key once: it is exchanged for a cookie holding `sessionToken`, an HMAC
 * of a fixed label under the key's hash, so the cookie survives restarts and dies with the key.
 * SHA-256 suffices for the stored hash: the key is 256 random bits, not a password.
 */
import crypto from "node:crypto";
import type { Db } from "../db/database";

export const LIBRARY_COOKIE = "relive_library";
/** The shortest RELIVE_ADMIN_KEY accepted (server/env.ts). */
export const MIN_KEY_LENGTH = 16;

export interface LibraryKey {
  /** Whether `key` is the library key (constant time). */
  matches(key: string): boolean;
  /** The cookie value a browser holds once it has entered the key. */
  sessionToken(): string;
  /** Whether a cookie value is a current session token (constant time). */
  validToken(token: string | undefined): boolean;
}

export function hashKey(key: string): string {
  return crypto.createHash("sha256").update(key, "utf8").digest("hex");
}

export function generateKey(): string {
  return crypto.randomBytes(32).toString("base64url");
}

/** How often a server reads the stored key's hash again (followStoredKey). */
export const KEY_REFRESH_MS = 5000;

/** A key known by its hash; `replace` swaps in another (a rotation). */
export class HashedKey implements LibraryKey {
  private hash = "";
  private token = "";

  constructor(hash: string) {
    this.replace(hash);
  }

  replace(hash: string): void {
    if (hash === this.hash) return;
    this.hash = hash;
    this.token = crypto.createHmac("sha256", hash).update("relive library session v1").digest("base64url");
  }

  matches(key: string): boolean {
    return equal(hashKey(key), this.hash);
  }

  sessionToken(): string {
    return this.token;
  }

  validToken(given: string | undefined): boolean {
    return given !== undefined && equal(given, this.token);
  }
}

/**
 * Follows the stored key: reads its hash every `everyMs`, so a key made by `npm run
 * library-key` replaces this one on a running server. While the database is away the key in
 * force stays. Returns what stops it.
 */
export function followStoredKey(db: Db, key: HashedKey, everyMs = KEY_REFRESH_MS): () => void {
  const timer = setInterval(() => {
    db.libraryKey.findUnique({ where: { id: 1 } }).then(
      (row) => row && key.replace(row.hash),
      () => undefined,
    );
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * The library key for this start: from `envKey`, else the stored hash, else a new key that is
 * stored (hashed) and returned as `generated`, for the banner. Two servers starting at once on
 * one database agree: the insert does nothing if another won, and both then read its row.
 */
export async function loadLibraryKey(db: Db, envKey: string | undefined): Promise<{ key: HashedKey; generated?: string; from: "env" | "database" }> {
  if (envKey) return { key: new HashedKey(hashKey(envKey)), from: "env" };
  const stored = await db.libraryKey.findUnique({ where: { id: 1 } });
  if (stored) return { key: new HashedKey(stored.hash), from: "database" };
  const fresh = generateKey();
  await db.libraryKey.createMany({ data: [{ id: 1, hash: hashKey(fresh) }], skipDuplicates: true });
  const row = await db.libraryKey.findUniqueOrThrow({ where: { id: 1 } });
  return row.hash === hashKey(fresh) ? { key: new HashedKey(row.hash), generated: fresh, from: "database" } : { key: new HashedKey(row.hash), from: "database" };
}

/** Replaces the stored key with a new one and returns it (`npm run library-key`). Browsers holding the old cookie must enter the new key. */
export async function rotateLibraryKey(db: Db): Promise<string> {
  const fresh = generateKey();
  await db.libraryKey.upsert({ where: { id: 1 }, create: { id: 1, hash: hashKey(fresh) }, update: { hash: hashKey(fresh), createdAt: new Date() } });
  return fresh;
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
