/**
 * What every HTTP request, upgrade and socket is checked against: the
 * security headers (a Content-Security-Policy that allows no outside origin),
 * the Host allow-list (DNS rebinding), the Origin allowlist for socket.io
 * (cross-site WebSocket hijacking), a cap on request bodies however they are
 * sent, and the per-address caps.
 */
import crypto from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import net from "node:net";
import os from "node:os";
import type { Duplex } from "node:stream";

/** No route takes a body this large; socket.io has its own, smaller limit. */
export const MAX_REQUEST_BODY_BYTES = 64 * 1024;

/**
 * What one client address may hold or do; the environment can change both
 * (RELIVE_MAX_SOCKETS_PER_ADDRESS, RELIVE_SESSION_CREATES_PER_MINUTE; 0
 * turns a cap off). A school puts a whole class behind one NAT address, so
 * both are sized for a class of 200 there:
 * - sockets: 200 pupils with up to two tabs each, doubled because after a
 *   network drop the server holds the dead connections until the heartbeat
 *   ends them (up to 45 s) while the new ones open: 800, so 1,000. That is
 *   a tenth of what one process holds (10,000, see bench/README.md).
 * - session creates: every tab that opens a replay starts a solo session, so
 *   a class opening a replay at once is 200 creates in seconds; with the
 *   teacher's screens and reopened tabs, 300. An address may create 300 at
 *   once, and 300 more each minute after that (5 a second, sustained).
 */
export const ADDRESS_CAPS = { socketsPerAddress: 1000, sessionCreatesPerMinute: 300 } as const;

/**
 * The key the per-address limits count by. IPv4 (also IPv4-mapped IPv6) is
 * the address; IPv6 is its /64, since one device can pick any address in
 * its /64 and would otherwise get a fresh allowance with each.
 */
export function addressKey(address: string | undefined): string {
  if (!address) return "unknown";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (net.isIPv6(address)) {
    const [head = "", tail = ""] = address.toLowerCase().split("::");
    const left = head ? head.split(":") : [];
    const right = tail ? tail.split(":") : [];
    const groups = address.includes("::") ? [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right] : left;
    return `${groups
      .slice(0, 4)
      .map((group) => group.replace(/^0+(?=.)/, ""))
      .join(":")}::/64`;
  }
  return address;
}

/** 128 random bits, base64: a fresh one for every page. */
export function newNonce(): string {
  return crypto.randomBytes(16).toString("base64");
}

/**
 * The policy for pages. Scripts come from this origin or carry the page's
 * nonce: Next reads the nonce from the request's own Content-Security-Policy
 * header and puts it on its inline bootstrap scripts. Style *attributes* are
 * allowed because React renders `style={...}` into the HTML (the scrubber
 * positions its marks that way); style elements still need the nonce or this
 * origin. connect-src 'self' covers the same-origin WebSocket. Next's dev
 * server evaluates modules, so development alone adds 'unsafe-eval'.
 */
export function pagePolicy(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "media-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** JSON and anything else that is not a page: nothing may run or be framed. */
export const API_POLICY = "default-src 'none'; frame-ancestors 'none'";

const COMMON_HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
  // Relive needs none of these; a projector laptop should not be asked.
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
};

/**
 * Sets the security headers on a response. For pages, also writes the policy
 * into the request's headers, where Next looks for the nonce; whatever policy
 * the client sent is replaced, so a client can never choose the nonce.
 */
export function applySecurityHeaders(req: IncomingMessage, res: ServerResponse, kind: "page" | "api", dev: boolean): void {
  for (const [name, value] of Object.entries(COMMON_HEADERS)) res.setHeader(name, value);
  delete req.headers["content-security-policy-report-only"];
  if (kind === "api") {
    delete req.headers["content-security-policy"];
    res.setHeader("Content-Security-Policy", API_POLICY);
    return;
  }
  const policy = pagePolicy(newNonce(), dev);
  req.headers["content-security-policy"] = policy;
  res.setHeader("Content-Security-Policy", policy);
}

/**
 * A path whose percent-escapes do not decode (`/s/%ZZ`). Next answers those
 * with a 500; the address is the client's mistake, so it gets a 400 here.
 */
export function malformedPath(url: string | undefined): boolean {
  const path = (url ?? "/").split("?")[0]!;
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    return true;
  }
}

/** A declared body over the cap. (Chunked bodies are counted as they arrive: `readBodyWithin`.) */
export function bodyTooLarge(req: IncomingMessage): boolean {
  const length = Number(req.headers["content-length"] ?? 0);
  return !Number.isFinite(length) || length > MAX_REQUEST_BODY_BYTES;
}

/** Whether a request carries a body at all (a declared length over 0, or chunks). */
export function hasBody(req: IncomingMessage): boolean {
  return req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
}

/**
 * Reads the body of a request, counting it as it arrives: declared or
 * chunked, a body over `max` bytes is answered 413 and its connection closed,
 * so an endless chunked body ends at the cap. Each chunk within the cap goes
 * to `keep` (a route that takes a body: body.ts); without it, the body is
 * dropped (a route that takes none). Resolves true when the request may go on
 * (no body, or one within the cap that has ended), false when it was answered
 * or the client went.
 */
export function readBodyWithin(req: IncomingMessage, res: ServerResponse, max = MAX_REQUEST_BODY_BYTES, keep?: (chunk: Buffer) => void): Promise<boolean> {
  // Read to its end even when Node has it all (`complete`): the bytes may still wait in the stream.
  if (!hasBody(req) || req.readableEnded) return Promise.resolve(true);
  return new Promise((resolve) => {
    let received = 0;
    const finish = (proceed: boolean) => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("close", onClose);
      resolve(proceed);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= max) return keep?.(chunk);
      finish(false);
      refuseTooLarge(req, res, max);
    };
    const onEnd = () => finish(true);
    const onClose = () => finish(false);
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("close", onClose);
  });
}

/** Answers 413 and closes the connection once the answer is out: the rest of the body is never used. */
export function refuseTooLarge(req: IncomingMessage, res: ServerResponse, max = MAX_REQUEST_BODY_BYTES): void {
  if (res.headersSent) return void req.socket.destroy();
  const body = JSON.stringify({ error: "too_large", message: `Request bodies are limited to ${max} bytes` });
  closeAfterAnswer(req, res);
  res.writeHead(413, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(body), "Cache-Control": "no-store" });
  res.end(req.method === "HEAD" ? undefined : body);
}

/**
 * For requests whose body someone else reads (socket.io's long-polling, with
 * its own 16 KiB cap), or that may be refused before it is read (the
 * library's key and origin checks): if the answer goes out before the body
 * has ended, the connection is closed after it. Otherwise Node would read
 * and drop the rest to keep the connection, and a chunked body that never
 * ends would be read forever.
 */
export function closeIfBodyUnread(req: IncomingMessage, res: ServerResponse): void {
  if (!hasBody(req)) return;
  const writeHead = res.writeHead;
  // Every answer passes here, also one sent by end() alone (Node writes its head through writeHead).
  res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse["writeHead"]>) {
    if (!req.complete) closeAfterAnswer(req, res);
    return writeHead.apply(this, args);
  } as ServerResponse["writeHead"];
}

/**
 * Marks the answer as the connection's last: it says "Connection: close",
 * so a keep-alive client sends its next request on a new connection, and
 * Node ends the connection once the answer is out. Node does that with
 * destroySoon(); here it closes lingering instead (below), so a client
 * still sending a body it was refused reads the answer, not a reset.
 */
export function closeAfterAnswer(req: IncomingMessage, res: ServerResponse): void {
  const socket = req.socket;
  socket.destroySoon = () => closeLingering(socket);
  res.setHeader("Connection", "close");
}

/** How long a connection cut under a client that is still sending is read (and dropped) before it is closed. */
export const LINGER_MS = 1000;

/**
 * Closes a connection whose client may still be sending (Apache's "lingering
 * close"): end our side after the answer, keep reading and dropping what
 * arrives for LINGER_MS, then close. Closing at once would reset the
 * connection while the client is still writing, and the client would see
 * the reset instead of the answer.
 */
export function closeLingering(socket: Duplex): void {
  if (socket.destroyed) return;
  socket.end();
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
}

/**
 * Whether a socket.io request (each one: the handshake, every long-polling
 * request and the upgrade) may proceed, following OWASP's WebSocket cheat
 * sheet: a browser sends Origin with every WebSocket and every cross-site
 * fetch, so a page on another site that opens a socket to us, or sends on
 * one, is refused unless its origin is listed. Requests without Origin come
 * from programs (the command-line follower, other servers) or are a page's
 * same-origin polling; no page on another site can send one that reads or
 * writes a socket (it would need the socket's id). The server's own origin
 * is whatever the request's Host names, so it works on any address the
 * class uses (localhost, a LAN IP, a hostname behind a proxy).
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowlist: readonly string[]): boolean {
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file://) or garbage
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return false;
  if (allowlist.includes(parsed.origin)) return true;
  return host !== undefined && parsed.host === host.toLowerCase();
}

/**
 * The host names this server answers to (DNS rebinding: a page on an
 * attacker's name that resolves to this machine must not be served, or its
 * scripts could read this server as their own origin). Listed by default:
 * localhost, this machine's name (and its .local mDNS name), the host of
 * RELIVE_PUBLIC_URL, and any IP address: the machine's own addresses, but
 * also others, since a page whose address bar shows an IP has that IP as its
 * origin, which no attacker's name can share (rebinding needs a name), and a
 * server in a container or behind NAT is reached by an address that is not
 * its own. RELIVE_ALLOWED_HOSTS adds names. A port in Host is fine.
 */
export class HostAllowList {
  private readonly names: Set<string>;

  constructor(
    extra: readonly string[] = [],
    private readonly hostname: () => string = os.hostname,
  ) {
    this.names = new Set(["localhost", ...extra.map(normalizeHost)]);
  }

  /** Whether a request with this Host header may be served. */
  allows(hostHeader: string | undefined): boolean {
    return this.refusal(hostHeader) === undefined;
  }

  /** The answer for a request with this Host header: none if it may be served, 400 if Host is missing or broken, 421 if it is not ours. */
  refusal(hostHeader: string | undefined): typeof HOST_REFUSAL | typeof BAD_HOST | undefined {
    const host = hostOf(hostHeader);
    if (host === undefined) return BAD_HOST;
    return this.listed(host) ? undefined : HOST_REFUSAL;
  }

  private listed(host: string): boolean {
    // Every address is an IP, the machine's own included (also after it joins another network).
    if (net.isIP(host) !== 0 || this.names.has(host)) return true;
    // Read each time: the machine's name can change.
    const name = normalizeHost(this.hostname());
    return host === name || host === `${name}.local`;
  }
}

/** The host name in a Host header, lower case, without port, brackets or final dot; undefined if it is not one. */
export function hostOf(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  const match = /^(?:\[([0-9a-f:.]+)\]|([^:\[\]]+))(?::\d{1,5})?$/i.exec(hostHeader.trim());
  if (!match) return undefined;
  if (match[1] !== undefined) return net.isIPv6(match[1]) ? match[1].toLowerCase() : undefined;
  const name = normalizeHost(match[2]!);
  return /^[a-z0-9_](?:[a-z0-9_.-]{0,252})$/.test(name) ? name : undefined;
}

function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, "");
}

/** The JSON answer for a Host not on the list (421: this server is not the one that name is for). */
export const HOST_REFUSAL = {
  status: 421,
  body: {
    error: "host_not_allowed",
    message: "This server does not answer to that host name. If it is one of yours, add it to RELIVE_ALLOWED_HOSTS.",
  },
} as const;

/** The JSON answer for a request without a usable Host header. */
export const BAD_HOST = {
  status: 400,
  body: { error: "bad_host", message: "The request has no valid Host header" },
} as const;

/** The JSON answer for a socket.io request from a page on another site. */
export const ORIGIN_REFUSAL = {
  status: 403,
  body: { error: "origin_not_allowed", message: "Pages on other sites may not connect here. List the site in RELIVE_ALLOWED_ORIGINS if it is yours." },
} as const;

/**
 * Refuses an upgrade request on its raw socket (there is no response object
 * for an upgrade): one HTTP answer with a JSON body, then the connection ends.
 */
export function refuseUpgrade(socket: Duplex, status: number, body: object): void {
  const payload = JSON.stringify(body);
  const reason = http.STATUS_CODES[status] ?? "Error";
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(payload)}\r\nCache-Control: no-store\r\n\r\n${payload}`,
    );
  }
  socket.once("finish", () => socket.destroy());
  setTimeout(() => socket.destroy(), 1000).unref();
}

/** How many of something each address holds now (open connections). */
export class AddressCounter {
  private readonly counts = new Map<string, number>();

  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  add(key: string): void {
    this.counts.set(key, this.count(key) + 1);
  }

  remove(key: string): void {
    const left = this.count(key) - 1;
    if (left > 0) this.counts.set(key, left);
    else this.counts.delete(key);
  }
}

/**
 * A token bucket per address: `perMinute` at once, refilled at `perMinute`
 * a minute. Full buckets are forgotten, so memory follows the addresses
 * that are using theirs.
 */
export class AddressRate {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number,
  ) {}

  /** Takes one if it can; otherwise returns the milliseconds until one is there. */
  take(key: string): { ok: true } | { ok: false; retryAfterMs: number } {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + ((now - bucket.at) / 60_000) * this.perMinute);
    bucket.at = now;
    if (bucket.tokens < 1) {
      this.buckets.set(key, bucket);
      return { ok: false, retryAfterMs: Math.max(1, Math.ceil(((1 - bucket.tokens) / this.perMinute) * 60_000)) };
    }
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 10_000) this.forgetFull(now);
    return { ok: true };
  }

  /** Like `take`, without taking: whether one is there now. */
  peek(key: string): { ok: true } | { ok: false; retryAfterMs: number } {
    const bucket = this.buckets.get(key);
    if (!bucket) return { ok: true };
    const tokens = Math.min(this.perMinute, bucket.tokens + ((this.now() - bucket.at) / 60_000) * this.perMinute);
    return tokens >= 1 ? { ok: true } : { ok: false, retryAfterMs: Math.max(1, Math.ceil(((1 - tokens) / this.perMinute) * 60_000)) };
  }

  private forgetFull(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 60_000) * this.perMinute >= this.perMinute) this.buckets.delete(key);
    }
  }
}
