/**
 * Reading a request body that a route uses (the library's uploads and forms), counted as it
 * arrives: a body over `max` bytes, declared or chunked, is answered 413 naming the limit and its
 * connection closed (security.ts: readBodyWithin, the one loop that counts bodies), so nothing past
 * the cap is kept in memory.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBodyWithin, refuseTooLarge } from "./security";

/** The body, or undefined when the request was answered (too large) or the client went away. */
export async function readBody(req: IncomingMessage, res: ServerResponse, max: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (!Number.isFinite(declared) || declared > max) {
    refuseTooLarge(req, res, max);
    return undefined;
  }
  const chunks: Buffer[] = [];
  return (await readBodyWithin(req, res, max, (chunk) => chunks.push(chunk))) ? Buffer.concat(chunks) : undefined;
}
