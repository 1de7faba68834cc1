/**
 * Reading a request body that a route uses (the library's uploads and forms), counted as it
 * arrives: a body over `max` bytes, declared or chunked, is answered 413 naming the limit and its
 * connection closed (security.ts, refuseTooLarge), so nothing past the cap is kept in memory.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { refuseTooLarge } from "./security";

/** The body, or undefined when the request was answered (too large) or the client went away. */
export function readBody(req: IncomingMessage, res: ServerResponse, max: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (!Number.isFinite(declared) || declared > max) {
    refuseTooLarge(req, res, max);
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (body: Buffer | undefined) => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("close", onClose);
      resolve(body);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > max) {
        finish(undefined);
        return refuseTooLarge(req, res, max);
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(Buffer.concat(chunks));
    const onClose = () => finish(req.complete ? Buffer.concat(chunks) : undefined);
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("close", onClose);
  });
}
