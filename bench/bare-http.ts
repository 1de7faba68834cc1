/**
 * The bare Node baseline of the HTTP figure (bench/http.ts): `node:http` and
 * nothing else, answering one path from memory with the status, headers and
 * body bytes the real server sent for the same request (captured from it just
 * before, per encoding, and for a matching If-None-Match).
 *
 *   node --import tsx bench/bare-http.ts <capture.json>
 *
 * Prints "listening on http://127.0.0.1:<port>"; stops on SIGINT/SIGTERM.
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface CapturedResponse {
  status: number;
  /** As the real server sent them, less those Node's own server adds (Date, Connection, Keep-Alive). */
  headers: Record<string, string>;
  /** base64 */
  body: string;
}

export interface Capture {
  path: string;
  etag: string;
  br: CapturedResponse;
  gzip: CapturedResponse;
  identity: CapturedResponse;
  notModified: CapturedResponse;
}

interface Ready {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const isMain = process.argv[1] !== undefined && import.meta.filename === fs.realpathSync(process.argv[1]);
if (isMain) {
  const capture = JSON.parse(fs.readFileSync(process.argv[2]!, "utf8")) as Capture;
  const ready = (response: CapturedResponse): Ready => ({ ...response, body: Buffer.from(response.body, "base64") });
  const br = ready(capture.br);
  const gzip = ready(capture.gzip);
  const identity = ready(capture.identity);
  const notModified = ready(capture.notModified);
  const opaque = capture.etag.replace(/^W\//, "");

  // As little work as a server that knows its answer can do: a substring test per header.
  const server = http.createServer((req, res) => {
    if (req.url !== capture.path) {
      res.writeHead(404, { "Content-Length": 0 });
      res.end();
      return;
    }
    const ifNoneMatch = req.headers["if-none-match"];
    const acceptEncoding = req.headers["accept-encoding"] ?? "";
    const response =
      ifNoneMatch?.includes(opaque) ? notModified : acceptEncoding.includes("br") ? br : acceptEncoding.includes("gzip") ? gzip : identity;
    res.writeHead(response.status, response.headers);
    res.end(req.method === "HEAD" || response.status === 304 ? undefined : response.body);
  });
  server.listen(0, "127.0.0.1", () => {
    console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
