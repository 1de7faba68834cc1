import http, { type IncomingMessage } from "node:http";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { Snapshot } from "../../domain/protocol";
import {
  AddressCounter,
  addressKey,
  AddressRate,
  bodyTooLarge,
  closeIfBodyUnread,
  HostAllowList,
  hostOf,
  malformedPath,
  MAX_REQUEST_BODY_BYTES,
  originAllowed,
  pagePolicy,
  readBodyWithin,
} from "../../server/http/security";
import { readBody } from "../../server/http/body";
import { JoinGuard } from "../../server/replay/join-guard";
import { forFollowers } from "../../server/replay/socket/broadcast";

describe("originAllowed", () => {
  const allowlist = ["https://class.example.org"];

  it("lets in programs (no Origin), the server's own origin and listed sites", () => {
    expect(originAllowed(undefined, "localhost:3000", allowlist)).toBe(true);
    expect(originAllowed("http://localhost:3000", "localhost:3000", allowlist)).toBe(true);
    expect(originAllowed("http://192.168.1.20:3000", "192.168.1.20:3000", [])).toBe(true);
    expect(originAllowed("https://class.example.org", "relive.internal:3000", allowlist)).toBe(true);
  });

  it.each([
    ["https://evil.example", "localhost:3000"],
    ["http://localhost:3001", "localhost:3000"],
    ["http://localhost:3000.evil.example", "localhost:3000"],
    ["null", "localhost:3000"],
    ["file://", "localhost:3000"],
    ["chrome-extension://abc", "localhost:3000"],
    ["not a url", "localhost:3000"],
    ["http://localhost:3000", undefined],
  ])("refuses Origin %j for Host %j", (origin, host) => {
    expect(originAllowed(origin, host, allowlist)).toBe(false);
  });
});

describe("pagePolicy", () => {
  it("allows scripts only from this origin or with the nonce, and no outside origin at all", () => {
    const policy = pagePolicy("abc123", false);
    expect(policy).toContain("script-src 'self' 'nonce-abc123'");
    expect(policy).not.toMatch(/https?:|\*|'unsafe-eval'|script-src[^;]*'unsafe-inline'/);
    expect(pagePolicy("abc123", true)).toContain("'unsafe-eval'");
  });
});

describe("bodyTooLarge", () => {
  const request = (length: string | undefined) => ({ headers: length === undefined ? {} : { "content-length": length } }) as IncomingMessage;
  it("refuses declared bodies over 64 KiB, and nonsense lengths", () => {
    expect(bodyTooLarge(request(undefined))).toBe(false);
    expect(bodyTooLarge(request("65536"))).toBe(false);
    expect(bodyTooLarge(request("65537"))).toBe(true);
    expect(bodyTooLarge(request("lots"))).toBe(true);
  });
});

describe("malformedPath", () => {
  it("spots a path whose %-escapes do not decode, and ignores the query", () => {
    expect(malformedPath("/s/%ZZ")).toBe(true);
    expect(malformedPath("/replay/%E0%A4%A")).toBe(true);
    expect(malformedPath("/replay/x?t=%%%")).toBe(false);
    expect(malformedPath("/s/ABC%2DDEF")).toBe(false);
  });
});

describe("HostAllowList (DNS rebinding)", () => {
  const hosts = new HostAllowList(["relive.school.example", "Class.Example.ORG."], () => "teacher-laptop");

  it.each([
    "localhost",
    "localhost:3000",
    "LOCALHOST:3000",
    "localhost.:3000",
    "127.0.0.1:3000",
    "[::1]:3000",
    "192.168.1.20:3000",
    "10.0.0.5",
    "[fe80::1]",
    "teacher-laptop:3000",
    "teacher-laptop.local:3000",
    "relive.school.example",
    "class.example.org:443",
  ])("serves Host %j", (host) => {
    expect(hosts.allows(host)).toBe(true);
  });

  it.each([
    undefined,
    "",
    "evil.example",
    "evil.example:3000",
    "localhost.evil.example",
    "relive.school.example.evil.example",
    "teacher-laptop.evil.example",
    "[::1",
    "::1",
    "localhost:3000:3000",
    "local host",
    "localhost/x",
    "user@localhost",
    "[not-an-ip]:80",
  ])("refuses Host %j", (host) => {
    expect(hosts.allows(host)).toBe(false);
  });

  it("answers 400 for a missing or broken Host, 421 for one not on the list", () => {
    expect(hosts.refusal("localhost:3000")).toBeUndefined();
    expect(hosts.refusal(undefined)).toMatchObject({ status: 400, body: { error: "bad_host" } });
    expect(hosts.refusal("a b")).toMatchObject({ status: 400 });
    expect(hosts.refusal("evil.example")).toMatchObject({ status: 421, body: { error: "host_not_allowed" } });
  });

  it("reads the host out of a Host header", () => {
    expect(hostOf("Example.ORG.:8080")).toBe("example.org");
    expect(hostOf("[::FFFF:127.0.0.1]:80")).toBe("::ffff:127.0.0.1");
    expect(hostOf("a:b")).toBeUndefined();
  });
});

describe("addressKey", () => {
  it("counts IPv4 by address, IPv4-mapped IPv6 as IPv4, and IPv6 by its /64", () => {
    expect(addressKey("192.0.2.7")).toBe("192.0.2.7");
    expect(addressKey("::ffff:192.0.2.7")).toBe("192.0.2.7");
    expect(addressKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8:1:2::9")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:0db8:0001:0002:0:0:0:1")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
    expect(addressKey(undefined)).toBe("unknown");
  });
});

describe("AddressRate and AddressCounter", () => {
  it("gives each address its burst, then one more per share of a minute", () => {
    let now = 0;
    const rate = new AddressRate(3, () => now);
    for (let i = 0; i < 3; i++) expect(rate.take("a")).toEqual({ ok: true });
    expect(rate.take("a")).toEqual({ ok: false, retryAfterMs: 20_000 });
    expect(rate.take("b")).toEqual({ ok: true });
    now = 20_000;
    expect(rate.take("a")).toEqual({ ok: true });
    expect(rate.take("a")).toMatchObject({ ok: false });
  });

  it("counts what each address holds", () => {
    const counter = new AddressCounter();
    counter.add("a");
    counter.add("a");
    counter.remove("a");
    expect(counter.count("a")).toBe(1);
    counter.remove("a");
    expect(counter.count("a")).toBe(0);
  });
});

describe("JoinGuard.lookup: only misses are limited", () => {
  it("always finds what exists, even for a client over its allowance; past it, misses answer rate_limited", async () => {
    let now = 0;
    const guard = new JoinGuard(() => now, { burst: 3, refillMs: 1000 });
    const exists = () => Promise.resolve("session");
    const missing = () => Promise.resolve(undefined);
    for (let i = 0; i < 3; i++) expect(await guard.lookup("a", missing)).toEqual({ status: "unknown" });
    expect(await guard.lookup("a", missing)).toEqual({ status: "rate_limited", retryAfterMs: 1000 });
    for (let i = 0; i < 5; i++) expect(await guard.lookup("a", exists)).toEqual({ status: "found", value: "session" });
    expect(await guard.lookup("b", missing)).toEqual({ status: "unknown" });
    now = 1000;
    expect(await guard.lookup("a", missing)).toEqual({ status: "unknown" }); // one refilled
    expect(await guard.lookup("a", missing)).toMatchObject({ status: "rate_limited" });
  });
});

describe("forFollowers", () => {
  it("hides the presenter's pause points and keeps everything else", () => {
    const snapshot = { sessionId: "s", settings: { pauseOn: "marked", markedEntryKeys: ["k1", "k2"], blanked: true } } as unknown as Snapshot;
    expect(forFollowers(snapshot)).toEqual({ sessionId: "s", settings: { pauseOn: "marked", markedEntryKeys: [], blanked: true } });
    expect(snapshot.settings.markedEntryKeys).toEqual(["k1", "k2"]); // the presenter's copy is untouched
  });
});

describe("request bodies, counted as they arrive (loopback server)", () => {
  let server: http.Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  /** A server that treats each request as app-server.ts does (`app`) or as socket.io does (reads its own 16 KiB, `engine`). */
  async function start(kind: "app" | "engine"): Promise<number> {
    server = http.createServer((req, res) => {
      if (kind === "app") {
        void readBodyWithin(req, res).then((proceed) => proceed && res.end("routed"));
        return;
      }
      closeIfBodyUnread(req, res);
      let read = 0;
      req.on("data", (chunk: Buffer) => {
        read += chunk.length;
        if (read > 16 * 1024 && !res.headersSent) res.writeHead(413).end();
      });
      req.on("end", () => !res.headersSent && res.end("ok"));
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    return (server!.address() as net.AddressInfo).port;
  }

  /**
   * Sends a chunked body that never ends (8 KiB chunks, as fast as the
   * connection takes them) until the server answers and closes, or 64 MiB
   * or 10 s have gone. Returns the status line and whether the server closed.
   */
  async function endlessChunked(port: number, path = "/"): Promise<{ status: string; closed: boolean; sentBytes: number }> {
    const socket = net.connect(port, "127.0.0.1");
    socket.on("error", () => undefined);
    let response = "";
    let closed = false;
    socket.on("data", (data) => (response += data.toString("latin1")));
    socket.on("close", () => (closed = true));
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n`);
    const chunk = `2000\r\n${"x".repeat(0x2000)}\r\n`;
    let sentBytes = 0;
    const started = Date.now();
    while (!closed && sentBytes < 64 * 2 ** 20 && Date.now() - started < 10_000) {
      if (!socket.write(chunk)) await new Promise((resolve) => setTimeout(resolve, 1));
      sentBytes += 0x2000;
      if (sentBytes % (64 * 0x2000) === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const deadline = Date.now() + 2000;
    while (!closed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    socket.destroy();
    return { status: response.split("\r\n")[0] ?? "", closed, sentBytes };
  }

  it("cuts an endless chunked body to a route at the cap: 413, and the connection is closed", async () => {
    const port = await start("app");
    const result = await endlessChunked(port);
    expect(result.status).toBe("HTTP/1.1 413 Payload Too Large");
    expect(result.closed).toBe(true);
    // Cut near the cap, not after megabytes (what the kernel buffered on loopback aside).
    expect(result.sentBytes).toBeLessThan(32 * 2 ** 20);
  });

  it("closes the connection when socket.io answers before an endless body ended", async () => {
    const port = await start("engine");
    const result = await endlessChunked(port, "/socket.io/?EIO=4&transport=polling&sid=x");
    expect(result.status).toBe("HTTP/1.1 413 Payload Too Large");
    expect(result.closed).toBe(true);
  });

  it("ends a connection refused before its body was read, and says so, so a keep-alive client's next request gets a new one", async () => {
    // As the library refuses a request from another site: closeIfBodyUnread, then an answer without reading.
    server = http.createServer((req, res) => {
      closeIfBodyUnread(req, res);
      res.statusCode = req.method === "POST" ? 403 : 200;
      res.end(req.method);
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, holdBody: boolean) =>
      new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
        const req = http.request({ port, host: "127.0.0.1", method, path: "/", agent, headers: holdBody ? { "content-length": "100" } : {} }, (res) => {
          let text = "";
          res.on("data", (data) => (text += data));
          res.on("end", () => {
            // The body comes only after the answer, as from a client that sent its headers first.
            if (holdBody) req.end("z".repeat(100));
            resolve({ status: res.statusCode!, connection: res.headers.connection, body: text });
          });
        });
        req.on("error", (error) => (holdBody ? undefined : reject(error)));
        if (holdBody) req.flushHeaders();
        else req.end();
      });
    expect(await send("POST", true)).toEqual({ status: 403, connection: "close", body: "POST" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await send("GET", false)).toEqual({ status: 200, connection: "keep-alive", body: "GET" });
    agent.destroy();
  });

  it("lets a body within the cap through, and keeps the connection", async () => {
    const port = await start("app");
    const agent = new http.Agent({ keepAlive: true });
    for (const size of [0, 10, MAX_REQUEST_BODY_BYTES]) {
      const answer = await new Promise<string>((resolve, reject) => {
        const req = http.request({ port, host: "127.0.0.1", method: "POST", path: "/", agent, headers: { "transfer-encoding": "chunked" } }, (res) => {
          let text = "";
          res.on("data", (data) => (text += data));
          res.on("end", () => resolve(`${res.statusCode} ${text}`));
        });
        req.on("error", reject);
        req.end("y".repeat(size));
      });
      expect(answer).toBe("200 routed");
    }
    agent.destroy();
  });

  it("hands a route its whole body, small or large, however it was sent (readBody)", async () => {
    server = http.createServer((req, res) => {
      // After a turn of the event loop Node has parsed a small body whole: its bytes still wait in the stream.
      setTimeout(() => void readBody(req, res, 1024 * 1024).then((body) => body && res.end(`${body.length} ${body.subarray(0, 8).toString()}`)), 20);
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    for (const [size, chunked] of [[12, false], [12, true], [300_000, false], [300_000, true]] as const) {
      const answer = await new Promise<string>((resolve, reject) => {
        const headers = chunked ? { "transfer-encoding": "chunked" } : { "content-length": String(size) };
        const req = http.request({ port, host: "127.0.0.1", method: "PUT", path: "/", headers }, (res) => {
          let text = "";
          res.on("data", (data) => (text += data));
          res.on("end", () => resolve(text));
        });
        req.on("error", reject);
        req.end('{"a":' + "1".repeat(size - 5));
      });
      expect(answer).toBe(`${size} {"a":111`);
    }
  });
});
