/**
 * Hostile clients: forged origins, guessed codes and secrets, followers and
 * strangers trying every route to control a session, and pages checked for
 * their security headers, in a real browser too. Secrets are strong, compared
 * in constant time, stored only as hashes, and never appear in the logs or in
 * anything a follower can see.
 */
import crypto from "node:crypto";
import type { Socket } from "socket.io-client";
import { chromium } from "@playwright/test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { request as socketRequest, RequestRefused, type ReplayClient } from "../../client/replay-client";
import { JOIN_CODE_ALPHABET } from "../../domain/protocol";
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
let server: ServerProcess;
let url: string;
let databaseUrl: string;
/** Every secret handed out in this file: none may leak. */
const secrets: string[] = [];
let attacksRefused = 0;

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  server = await spawnServer({ DATABASE_URL: databaseUrl, RELIVE_DATA_DIR: await tempDataDir(), RELIVE_ALLOWED_ORIGINS: ALLOWED });
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
