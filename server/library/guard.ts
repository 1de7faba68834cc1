/**
 * Who may reach the library API, checked before any route runs:
 * - cross-site requests are refused: a state-changing request must come from this server's own
 *   pages (Sec-Fetch-Site same-origin, or an Origin equal to the Host), so a page elsewhere cannot
 *   ride on the browser's library cookie, even though the cookie is SameSite=Strict already;
 * - the key: the library cookie (library-key.ts) or `Authorization: Bearer <key>` for scripts;
 * - rate limits per address: wrong key attempts, and changes to the library.
 */
import type { IncomingMessage } from "node:http";
import { addressKey, AddressRate, originAllowed } from "../http/security";
import { LIBRARY_COOKIE, type LibraryKey } from "./library-key";

/** Wrong keys an address may try per minute (at the login, or as a bearer token). */
export const KEY_ATTEMPTS_PER_MINUTE = 10;
/** Library changes (previews, imports, card edits, deletions) an address may make per minute. */
export const CHANGES_PER_MINUTE = 60;

export type Refusal = { status: number; error: string; message: string; retryAfterMs?: number };

export const CROSS_SITE: Refusal = {
  status: 403,
  error: "cross_site",
  message: "Changes to the library are accepted only from Relive's own pages (this request came from another site)",
};
export const KEY_NEEDED: Refusal = {
  status: 401,
  error: "key_required",
  message: "This needs the library key: open the library URL printed when the server started, or enter the key on /library",
};

const SAFE = new Set(["GET", "HEAD"]);

export class LibraryGuard {
  private readonly failures: AddressRate;
  private readonly changes: AddressRate;

  constructor(
    private readonly key: LibraryKey,
    now: () => number = Date.now,
    limits = { keyAttempts: KEY_ATTEMPTS_PER_MINUTE, changes: CHANGES_PER_MINUTE },
  ) {
    this.failures = new AddressRate(limits.keyAttempts, now);
    this.changes = new AddressRate(limits.changes, now);
  }

  /** A state-changing request from another site (CSRF), or undefined. */
  crossSite(req: IncomingMessage): Refusal | undefined {
    if (SAFE.has(req.method ?? "GET")) return undefined;
    const site = header(req, "sec-fetch-site");
    if (site !== undefined && site !== "same-origin" && site !== "none") return CROSS_SITE;
    return originAllowed(header(req, "origin"), header(req, "host"), []) ? undefined : CROSS_SITE;
  }

  /** Whether the request carries the key (cookie or bearer). A wrong bearer key counts as a key attempt. */
  authorized(req: IncomingMessage): boolean | Refusal {
    const bearer = /^Bearer\s+(\S+)$/i.exec(header(req, "authorization") ?? "")?.[1];
    if (bearer !== undefined) return this.tryKey(req, bearer) ?? true;
    return this.key.validToken(readCookie(req, LIBRARY_COOKIE));
  }

  /**
   * Checks a key someone entered: undefined if right, else the refusal. Only wrong keys count;
   * once an address has used up its wrong attempts, every attempt is refused unchecked until
   * the allowance refills, so guessing gets no answer, right or wrong.
   */
  tryKey(req: IncomingMessage, given: string): Refusal | undefined {
    const address = addressKey(req.socket.remoteAddress);
    const allowed = this.failures.peek(address);
    if (!allowed.ok) return tooMany("wrong key attempts", KEY_ATTEMPTS_PER_MINUTE, allowed.retryAfterMs);
    if (this.key.matches(given)) return undefined;
    this.failures.take(address);
    return { status: 403, error: "wrong_key", message: "That is not the library key" };
  }

  /** Counts a change against the address's allowance. */
  change(req: IncomingMessage): Refusal | undefined {
    const allowed = this.changes.take(addressKey(req.socket.remoteAddress));
    return allowed.ok ? undefined : tooMany("library changes", CHANGES_PER_MINUTE, allowed.retryAfterMs);
  }

  sessionCookie(secure: boolean): string {
    return `${LIBRARY_COOKIE}=${this.key.sessionToken()}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${60 * 60 * 24 * 365}${secure ? "; Secure" : ""}`;
  }
}

export const CLEAR_COOKIE = `${LIBRARY_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;

function tooMany(what: string, perMinute: number, retryAfterMs: number): Refusal {
  return { status: 429, error: "rate_limited", message: `Too many ${what} from this address (${perMinute} a minute); try again in ${Math.ceil(retryAfterMs / 1000)} s`, retryAfterMs };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** One cookie's value from the Cookie header. */
export function readCookie(req: Pick<IncomingMessage, "headers">, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
