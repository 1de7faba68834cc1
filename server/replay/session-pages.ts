/**
 * The class-session pages (/s/<code>, /s/<code>/present, /s/<code>/control)
 * are looked up here, before Next renders them, so that an unknown, expired
 * or rate-limited code gets its own HTTP status (404, 410, 429) as well as
 * a clear page. The page reads the result from a request header that only
 * this server sets. (Only types are imported: Next bundles this file into
 * the pages, for readSessionLookup.)
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SessionLookup } from "./session-directory";

export const SESSION_LOOKUP_HEADER = "x-relive-session-lookup";

const SESSION_PAGE = /^\/s\/([^/?#]+)(?:\/(?:present|control))?\/?(?:[?#]|$)/;

const STATUS: Record<SessionLookup["status"], number> = { found: 200, invalid: 404, unknown: 404, expired: 410, rate_limited: 429 };

/** If `req` asks for a session page, looks its code up (with `lookup`) and arranges the status. */
export async function prepareSessionPage(req: IncomingMessage, res: ServerResponse, lookup: (code: string) => Promise<SessionLookup>): Promise<void> {
  delete req.headers[SESSION_LOOKUP_HEADER];
  if (req.method !== "GET" && req.method !== "HEAD") return;
  const match = SESSION_PAGE.exec(req.url ?? "");
  if (!match) return;
  let code: string;
  try {
    code = decodeURIComponent(match[1]!);
  } catch {
    code = match[1]!;
  }
  const found = await lookup(code);
  req.headers[SESSION_LOOKUP_HEADER] = encodeURIComponent(JSON.stringify(found));
  const status = STATUS[found.status];
  if (status === 200) return;
  if (found.status === "rate_limited") res.setHeader("Retry-After", String(found.retryAfterSeconds));
  // Next writes 200 for a page it renders; the page is right, the status is ours.
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((code: number, ...rest: unknown[]) => writeHead(code === 200 ? status : code, ...rest)) as typeof res.writeHead;
}

/** The lookup a page was given (undefined if the page was not served through prepareSessionPage). */
export function readSessionLookup(header: string | null): SessionLookup | undefined {
  if (!header) return undefined;
  try {
    return JSON.parse(decodeURIComponent(header)) as SessionLookup;
  } catch {
    return undefined;
  }
}
