/**
 * Hostile clients: forged origins (on every socket.io request, not only the
 * first), foreign Host names (DNS rebinding), endless request bodies, guessed
 * codes and secrets, followers and strangers trying every route to control a
 * session, and pages checked for their security headers, in a real browser
 * too. Secrets are strong, compared in constant time, stored only as hashes,
 * and never appear in the logs or in anything a follower can see.
 */
import crypto from "node:crypto";
import http from "node:http";
import net from "node:net";
import type { Socket } from "socket.io-client";
import WebSocket from "ws";
import { chromium } from "@playwright/test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { request as socketRequest, RequestRefused, type ReplayClient } from "../../client/replay-client";
import { JOIN_CODE_ALPHABET, PROTOCOL_VERSION } from "../../domain/protocol";
import { MAX_REQUEST_BODY_BYTES } from "../../server/http/security";
import { hashSecret, secretMatches } from "../../server/replay/session-store";
import { CHROMIUM_ARGS, chromiumPath } from "../chromium";
import {
  cleanUpAfterFile,
  connect,
  connected,
  createTestDatabase,
  FEED,
  record,
  replayClient,
  sessionRow,
  spawnServer,
  stateOf,
  tempDataDir,
  withClient,
  type ServerProcess,
} from "./harness";

const ALLOWED = "https://class.example.org";
/** Names the server is told it is reached by (besides localhost and IP addresses). */
const PUBLIC_URL = "https://relive.school.example";
const ALLOWED_HOST = "relive-room-12.local";
let server: ServerProcess;
let url: string;
let databaseUrl: string;
/** Every secret handed out in this file: none may leak. */
const secrets: string[] = [];
let attacksRefused = 0;

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  server = await spawnServer({
    DATABASE_URL: databaseUrl,
    RELIVE_DATA_DIR: await tempDataDir(),
    RELIVE_ALLOWED_ORIGINS: ALLOWED,
    RELIVE_PUBLIC_URL: PUBLIC_URL,
    RELIVE_ALLOWED_HOSTS: ALLOWED_HOST,
  });
  expect(server.url, server.output()).toBeDefined();
  url = server.url!;
});

cleanUpAfterFile(() => record({ attacksRefused }));

async function refusedWith(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt;
    return "ok";
  } catch (error) {
    if (!(error instanceof RequestRefused)) throw error;
    attacksRefused++;
    return error.refusal.reason;
  }
}

async function presenterOfNewSession(): Promise<{ client: ReplayClient; code: string; secret: string; sessionId: string }> {
  const client = await replayClient(url);
  const { code, secret } = await client.create(FEED, "shared");
  secrets.push(secret);
  return { client, code: code!, secret, sessionId: client.view!.sessionId };
}

describe("presenter secrets", () => {
  it("carry at least 128 random bits, and only their SHA-256 is stored", async () => {
    const created = await Promise.all(Array.from({ length: 12 }, () => presenterOfNewSession()));
    for (const { secret, sessionId } of created) {
      expect(Buffer.from(secret, "base64url").length * 8).toBeGreaterThanOrEqual(128);
      const row = (await sessionRow(databaseUrl, sessionId))!;
      expect(row.secretHash).toBe(crypto.createHash("sha256").update(secret).digest("hex"));
    }
    expect(new Set(created.map(({ secret }) => secret)).size).toBe(created.length);
    // Nowhere in the database, in any table or column.
    const leaks = await withClient(databaseUrl, async (client) => {
      const tables = (await client.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)).rows.map((row) => row.tablename as string);
      let found = 0;
      for (const table of tables) {
        for (const { secret } of created) {
          const { rows } = await client.query(`SELECT count(*)::int AS n FROM "${table}" t WHERE t::text LIKE '%' || $1 || '%'`, [secret]);
          found += rows[0].n;
        }
      }
      return found;
    });
    expect(leaks).toBe(0);
  });

  it("are compared in constant time, whatever their length", () => {
    const spy = vi.spyOn(crypto, "timingSafeEqual");
    const stored = hashSecret("the right secret, 22+ chars long");
    for (const attempt of ["", "x", "the right secret, 22+ chars lon", "the right secret, 22+ chars long", "y".repeat(128)]) secretMatches(attempt, stored);
    // Hashing first makes every comparison the same length: no early exit on length.
    expect(spy).toHaveBeenCalledTimes(5);
    spy.mockRestore();
  });
});

describe("who may control a session", () => {
  it("refuses every route to control but the presenter's, and the session does not change", async () => {
    const { client: presenter, code, secret, sessionId } = await presenterOfNewSession();
    await presenter.control({ type: "jump", input: "15:00 GMT" });
    const before = (await sessionRow(databaseUrl, sessionId))!;
    const play = { type: "play" } as const;

    // A stranger who never joined.
    const stranger = connect(url);
    expect(await refusedWith(socketRequest(stranger, "session:control", { sessionId, command: play }))).toBe("not_joined");
    // A follower.
    const follower = await replayClient(url);
    await follower.join({ code });
    const seen: string[] = [];
    (follower.socket as unknown as Socket).onAny((event, payload) => seen.push(JSON.stringify([event, payload])));
    // (ReplayClient.control() on a follower only moves its private clock; send the real message.)
    for (const command of [play, { type: "pin", card: "syria", pinned: true }, { type: "seek", to: 0 }, { type: "blank", blanked: true }] as const) {
      expect(await refusedWith(socketRequest(follower.socket, "session:control", { sessionId, command }))).toBe("not_presenter");
    }
    // Wrong secrets: random, another session's, this one's with a character changed.
    const other = await presenterOfNewSession();
    const tampered = secret.slice(0, -1) + (secret.endsWith("A") ? "B" : "A");
    for (const guess of [crypto.randomBytes(32).toString("base64url"), other.secret, tampered, secret.toUpperCase()]) {
      const impostor = await replayClient(url);
      expect(await refusedWith(impostor.join({ code }, guess))).toBe("bad_secret");
      expect(await refusedWith(socketRequest(impostor.socket, "session:control", { sessionId, command: play }))).toBe("not_joined");
    }
    // A presenter of another session naming this one (a forged sessionId).
    expect(await refusedWith(socketRequest(other.client.socket, "session:control", { sessionId, command: play }))).toBe("not_joined");
    // A follower who left, then tries again.
    await socketRequest(follower.socket, "session:leave", { sessionId });
    expect(await refusedWith(socketRequest(follower.socket, "session:control", { sessionId, command: play }))).toBe("not_joined");
    // Extra fields claiming a role are stripped by the schema: still a follower.
    const claimant = connect(url) as unknown as Socket;
    await connected(claimant);
    const joined = await claimant.timeout(5000).emitWithAck("session:join", { code, role: "presenter", presenter: true });
    expect(joined).toMatchObject({ ok: true, role: "follower" });
    const response = await claimant.timeout(5000).emitWithAck("session:control", { sessionId, command: play });
    expect(response).toMatchObject({ ok: false, reason: "not_presenter" });
    attacksRefused++;

    // HTTP: there is no route that changes a session, whatever the method.
    for (const [method, path] of [
      ["POST", `/api/sessions/${sessionId}/control`],
      ["POST", `/api/sessions`],
      ["PUT", `/api/feeds/${FEED}`],
      ["DELETE", `/api/feeds/${FEED}`],
      ["PATCH", `/api/health`],
      ["POST", `/s/${code}/control`],
      ["POST", `/s/${code}`],
    ] as const) {
      const response = await fetch(`${url}${path}`, { method, headers: { "content-type": "application/json" }, body: JSON.stringify({ command: play, secret }) });
      expect(response.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(response.status, `${method} ${path}`).toBeLessThan(500);
      attacksRefused++;
    }

    const after = (await sessionRow(databaseUrl, sessionId))!;
    expect(stateOf(after)).toEqual(stateOf(before));
    // The follower saw nothing of the presenter's secret in all that.
    expect(seen.join("\n")).not.toContain(secret);
    // The real presenter still can.
    await presenter.control(play);
    expect((await sessionRow(databaseUrl, sessionId))!.revision).toBe(before.revision + 1);
  });

});

describe("socket origins (cross-site WebSocket hijacking)", () => {
  async function handshake(origin: string | undefined, transport: "websocket" | "polling" = "websocket"): Promise<"connected" | "refused"> {
    const socket = connect(url, { transports: [transport], extraHeaders: origin === undefined ? {} : { origin } });
    socket.io.reconnection(false);
    try {
      await connected(socket);
      return "connected";
    } catch {
      return "refused";
    } finally {
      socket.disconnect();
    }
  }

  it("refuses pages from other sites, and lets in its own pages, listed sites and programs", async () => {
    const own = new URL(url).origin;
    for (const origin of ["https://evil.example", "http://evil.example", `${own}.evil.example`, "null", "file://", `https://localhost:${new URL(url).port}x`]) {
      expect(await handshake(origin), origin).toBe("refused");
      expect(await handshake(origin, "polling"), `${origin} (polling)`).toBe("refused");
      attacksRefused += 2;
    }
    expect(await handshake(own)).toBe("connected");
    expect(await handshake(ALLOWED)).toBe("connected");
    expect(await handshake(undefined)).toBe("connected");
    expect(await handshake(own, "polling")).toBe("connected");
  });
});

describe("pages", () => {
  it("carry a Content-Security-Policy allowing no outside origin, a fresh nonce each time, and the usual headers", async () => {
    const nonces = new Set<string>();
    for (const path of ["/", `/replay/${FEED}`, `/replay/${FEED}?t=15:11`]) {
      // A policy sent by the client must not choose the page's nonce.
      const response = await fetch(`${url}${path}`, { headers: { "content-security-policy": "script-src 'nonce-attacker'" } });
      expect(response.status).toBe(200);
      const policy = response.headers.get("content-security-policy")!;
      expect(policy).toMatch(/default-src 'self'/);
      expect(policy).toMatch(/frame-ancestors 'none'/);
      expect(policy).toMatch(/object-src 'none'/);
      expect(policy).not.toMatch(/https?:|\*|'unsafe-eval'/);
      const scriptSrc = /script-src ([^;]+)/.exec(policy)![1]!;
      expect(scriptSrc).not.toContain("'unsafe-inline'");
      const nonce = /'nonce-([^']+)'/.exec(scriptSrc)![1]!;
      nonces.add(nonce);
      const html = await response.text();
      expect(html).not.toContain("nonce-attacker");
      expect(html).not.toContain('nonce="attacker"');
      // Every executable inline script carries the nonce.
      const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)(?![^>]*type="application\/(?:ld\+)?json")([^>]*)>/g)];
      expect(inline.length).toBeGreaterThan(0);
      for (const [, attributes] of inline) expect(attributes).toContain(`nonce="${nonce}"`);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      expect(response.headers.get("permissions-policy")).toContain("camera=()");
    }
    expect(nonces.size).toBe(3);
    const api = await fetch(`${url}/api/feeds`);
    expect(api.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(api.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("still hydrate and work in Chromium under that policy, with no violation reported", async () => {
    const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on("console", (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
      });
      page.on("pageerror", (error) => violations.push(error.message));
      await page.goto(`${url}/replay/${FEED}?t=18:11`); // a bare time is the big clock's (Helsinki)
      await page.getByTestId("sim-clock").filter({ hasText: "18:11:00" }).waitFor({ timeout: 15_000 });
      await page.keyboard.press("l"); // one simulated minute on: needs hydration and the socket
      await page.getByTestId("sim-clock").filter({ hasText: "18:12:00" }).waitFor({ timeout: 10_000 });
      // A class session: the presenter console, then a follower and the projector in step with it.
      await page.getByRole("button", { name: "Start a class session" }).click();
      await page.waitForURL(/\/s\/[A-Z0-9]{6}\/control$/, { timeout: 15_000 });
      const code = /\/s\/([A-Z0-9]{6})\/control/.exec(page.url())![1]!;
      await page.getByTestId("join-code").waitFor();
      for (const path of [`/s/${code}`, `/s/${code}/present`]) {
        const screen = await browser.newPage();
        screen.on("console", (message) => /Content Security Policy|Refused to/i.test(message.text()) && violations.push(`${path}: ${message.text()}`));
        screen.on("pageerror", (error) => violations.push(`${path}: ${error.message}`));
        await screen.goto(`${url}${path}`);
        await screen.getByTestId("sim-clock").filter({ hasText: "18:12:00" }).waitFor({ timeout: 15_000 });
        await screen.close();
      }
      await page.goto(`${url}/`);
      await page.getByRole("heading", { level: 1 }).waitFor();
      await page.waitForLoadState("networkidle");
      expect(violations).toEqual([]);
      // An injected inline script without the nonce does not run.
      const ran = await page.evaluate(async () => {
        const script = document.createElement("script");
        script.textContent = "window.__injected = 1";
        document.body.append(script);
        await new Promise((resolve) => setTimeout(resolve, 50));
        return (window as unknown as { __injected?: number }).__injected;
      });
      expect(ran).toBeUndefined();
      expect(violations.join("\n")).toMatch(/inline script/i);
    } finally {
      await browser.close();
    }
  });

  it("never show a presenter secret to followers, and never log one", async () => {
    const { code, secret } = await presenterOfNewSession();
    for (const path of [`/s/${code}`, `/s/${code}/present`, "/", `/replay/${FEED}`, `/api/feeds/${FEED}`, "/api/feeds"]) {
      const response = await fetch(`${url}${path}`);
      expect(response.status, path).toBeLessThan(500);
      expect(await response.text(), path).not.toContain(secret);
    }
    // Everything the server printed during this whole file, wrong guesses included.
    for (const each of secrets) expect(server.output()).not.toContain(each);
    expect(server.output()).not.toContain(hashSecret(secret));
  });
});

/** One HTTP request on its own connection to 127.0.0.1, with exactly these headers (Host included). */
function rawRequest(options: { method?: string; path: string; headers: Record<string, string>; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: new URL(url).port, method: options.method ?? "GET", path: options.path, headers: options.headers, agent: false, setHost: false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode!, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** An upgrade request written by hand; resolves with the status line's code (101 if it was accepted). */
function rawUpgrade(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(new URL(url).port), "127.0.0.1");
    let answer = "";
    socket.on("data", (data) => {
      answer += data.toString("latin1");
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      if (status) {
        socket.destroy();
        resolve(Number(status[1]));
      }
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(0)); // closed without an answer
    const lines = [
      `GET ${path} HTTP/1.1`,
      ...Object.entries({ Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": crypto.randomBytes(16).toString("base64"), ...headers }).map(
        ([name, value]) => `${name}: ${value}`,
      ),
    ];
    socket.write(`${lines.join("\r\n")}\r\n\r\n`);
  });
}

/** A long-polling socket.io connection opened by hand, as a page would: its id, and a way to send on it and read from it. */
async function pollingSession(headers: Record<string, string>) {
  const base = `/socket.io/?EIO=4&transport=polling`;
  const opened = await rawRequest({ path: base, headers });
  expect(opened.status).toBe(200);
  const sid = (JSON.parse(opened.body.slice(1)) as { sid: string }).sid;
  const path = `${base}&sid=${sid}`;
  return {
    sid,
    send: (payload: string, more: Record<string, string> = headers) =>
      rawRequest({ method: "POST", path, headers: { ...more, "Content-Type": "text/plain;charset=UTF-8" }, body: payload }),
    poll: (more: Record<string, string> = headers) => rawRequest({ path, headers: more }),
  };
}

describe("socket origins on every request (not only the handshake)", () => {
  it("refuses a later long-polling request, and the upgrade, from a page on another site on a connection opened by our own page", async () => {
    const host = new URL(url).host;
    const own = { Host: host, Origin: new URL(url).origin };
    const evil = { Host: host, Origin: "https://evil.example" };
    const session = await pollingSession(own);
    expect((await session.send(`40${JSON.stringify({ protocol: PROTOCOL_VERSION })}`)).body).toBe("ok");
    expect((await session.poll()).body).toMatch(/^40\{"sid"/); // the namespace is joined
    // The attacker's page rides the connection: it may neither read nor send.
    for (const attempt of [session.poll(evil), session.send(`421["time:ping",{"t0":1}]`, evil), session.poll({ ...own, Origin: "null" })]) {
      const refused = await attempt;
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.body)).toMatchObject({ error: "origin_not_allowed" });
      attacksRefused++;
    }
    // Nor upgrade it to a WebSocket, or open a WebSocket of its own.
    for (const path of [`/socket.io/?EIO=4&transport=websocket&sid=${session.sid}`, `/socket.io/?EIO=4&transport=websocket`]) {
      expect(await rawUpgrade(path, evil), path).toBe(403);
      attacksRefused++;
    }
    const refusedByWs = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${url.replace("http", "ws")}/socket.io/?EIO=4&transport=websocket&sid=${session.sid}`, { origin: "https://evil.example" });
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("open", () => resolve(101));
      ws.on("error", () => resolve(-1));
    });
    expect(refusedByWs).toBe(403);
    attacksRefused++;
    // The page's own requests still work, and the refused ping was never answered.
    const ping = await session.send(`422["time:ping",{"t0":2}]`);
    expect(ping.body).toBe("ok");
    const answers = (await session.poll()).body;
    expect(answers).toContain("432[");
    expect(answers).not.toContain("431[");
    expect(await rawUpgrade(`/socket.io/?EIO=4&transport=websocket&sid=${session.sid}`, own)).toBe(101);
  });
});

describe("host names (DNS rebinding)", () => {
  it("refuses a foreign Host on pages, the API, socket.io and upgrades with 421, and serves its own names", async () => {
    const port = new URL(url).port;
    const { code } = await presenterOfNewSession();
    const paths = ["/", `/replay/${FEED}`, `/s/${code}`, "/api/health", `/api/feeds/${FEED}`, "/socket.io/?EIO=4&transport=polling"];
    for (const host of ["evil.example", `evil.example:${port}`, `localhost.evil.example:${port}`, `relive.school.example.evil.example`, ""]) {
      for (const path of paths) {
        const response = await rawRequest({ path, headers: { Host: host } });
        if (host === "") {
          expect(response.status, `${path} with an empty Host`).toBe(400);
          expect(JSON.parse(response.body), path).toMatchObject({ error: "bad_host" });
        } else {
          expect(response.status, `${host} ${path}`).toBe(421);
          expect(JSON.parse(response.body), `${host} ${path}`).toMatchObject({ error: "host_not_allowed", message: expect.stringContaining("RELIVE_ALLOWED_HOSTS") });
          expect(response.body).not.toContain("evil");
        }
        attacksRefused++;
      }
      if (host === "") continue;
      for (const path of ["/socket.io/?EIO=4&transport=websocket", "/_next/webpack-hmr"]) {
        expect(await rawUpgrade(path, { Host: host }), `${host} upgrade ${path}`).toBe(421);
        attacksRefused++;
      }
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, "192.0.2.44", "relive.school.example", `${ALLOWED_HOST}:${port}`, `LOCALHOST:${port}`]) {
      for (const path of paths) expect((await rawRequest({ path, headers: { Host: host } })).status, `${host} ${path}`).toBe(200);
      expect(await rawUpgrade("/socket.io/?EIO=4&transport=websocket", { Host: host }), `${host} upgrade`).toBe(101);
    }
  });
});

describe("request bodies that never end", () => {
  /**
   * Sends a chunked body that never ends (8 KiB chunks, as fast as the
   * connection takes them) until the server answers and closes, or 256 MiB
   * or 20 s have gone. Everything on 127.0.0.1.
   */
  async function endlessChunked(method: string, path: string): Promise<{ status: number; closed: boolean; sentBytes: number; ms: number }> {
    const socket = net.connect(Number(new URL(url).port), "127.0.0.1");
    socket.on("error", () => undefined);
    let response = "";
    let closed = false;
    socket.on("data", (data) => (response += data.toString("latin1")));
    socket.on("close", () => (closed = true));
    await new Promise((resolve) => socket.once("connect", resolve));
    const started = Date.now();
    socket.write(`${method} ${path} HTTP/1.1\r\nHost: ${new URL(url).host}\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n`);
    const chunk = `2000\r\n${"x".repeat(0x2000)}\r\n`;
    let sentBytes = 0;
    while (!closed && sentBytes < 256 * 2 ** 20 && Date.now() - started < 20_000) {
      if (!socket.write(chunk)) await new Promise((resolve) => setTimeout(resolve, 1));
      sentBytes += 0x2000;
      if (sentBytes % (64 * 0x2000) === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const ms = Date.now() - started;
    const deadline = Date.now() + 3000;
    while (!closed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    socket.destroy();
    return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0), closed, sentBytes, ms };
  }

  it(`are cut at the cap (${MAX_REQUEST_BODY_BYTES / 1024} KiB) with 413 and the connection closed, on pages, the API and socket.io`, async () => {
    const session = await pollingSession({ Host: new URL(url).host });
    for (const [method, path] of [
      ["POST", "/api/health"],
      ["GET", "/api/feeds"],
      ["GET", "/"],
      ["POST", `/replay/${FEED}`],
      // socket.io reads its own requests, with its own smaller cap (16 KiB), and answers 413 too.
      ["POST", `/socket.io/?EIO=4&transport=polling&sid=${session.sid}`],
      ["POST", `/socket.io/?EIO=4&transport=polling&sid=unknown`],
    ] as const) {
      const result = await endlessChunked(method, path);
      expect(result.closed, `${method} ${path}`).toBe(true);
      expect(result.status, `${method} ${path}`).toBe(path.endsWith("sid=unknown") ? 400 : 413);
      // Cut at once, not after the client gave up (what the kernel buffered on loopback aside).
      expect(result.ms, `${method} ${path}`).toBeLessThan(10_000);
      attacksRefused++;
    }
    expect((await fetch(`${url}/api/health`)).status).toBe(200);
  });
});

// Last: it uses up this machine's allowance of wrong codes, which the
// session pages above share (one client address for every test).
describe("join codes", () => {
  it("slows down join-code guessing from one client", async () => {
    const guesser = connect(url);
    const reasons: string[] = [];
    for (let i = 0; i < 40 && !reasons.includes("rate_limited"); i++) {
      const code = Array.from(crypto.randomBytes(6), (byte) => JOIN_CODE_ALPHABET[byte % JOIN_CODE_ALPHABET.length]).join("");
      reasons.push(await refusedWith(socketRequest(guesser, "session:join", { code })));
    }
    expect(reasons.filter((reason) => reason !== "unknown_session" && reason !== "rate_limited")).toEqual([]);
    // Well before the socket's own rate limit (a burst of 40), guessing is refused.
    expect(reasons.indexOf("rate_limited")).toBeGreaterThan(0);
    expect(reasons.indexOf("rate_limited")).toBeLessThan(30);
  });
});
