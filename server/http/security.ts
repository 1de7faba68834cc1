/**
 * What every HTTP response and socket handshake is checked against: the
 * security headers (a Content-Security-Policy that allows no outside origin),
 * the Origin allowlist for socket.io (cross-site WebSocket hijacking), and a
 * cap on request bodies.
 */
import crypto from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import net from "node:net";

/** No route takes a body this large; socket.io has its own, smaller limit. */
export const MAX_REQUEST_BODY_BYTES = 64 * 1024;

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

/** A declared body over the cap. (Chunked bodies are not read by any route.) */
export function bodyTooLarge(req: IncomingMessage): boolean {
  const length = Number(req.headers["content-length"] ?? 0);
  return !Number.isFinite(length) || length > MAX_REQUEST_BODY_BYTES;
}

/**
 * Whether a socket.io handshake may proceed, following OWASP's WebSocket
 * cheat sheet: a browser always sends Origin, so a page on another site that
 * opens a socket to us is refused unless its origin is listed. Requests
 * without Origin come from programs (the command-line follower, other
 * servers), which no browser page can impersonate. The server's own origin
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
