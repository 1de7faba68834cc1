/**
 * The library on the real server and PostgreSQL: the key generated on first start (printed once,
 * stored hashed, still valid after a restart, not printed again), its refusals, and a re-import
 * that changes one entry under a running class session.
 */
import crypto from "node:crypto";
import { spawn } from "node:child_process";
import http from "node:http";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReplayClient, type ReplaySocket } from "../../client/replay-client";
import { PROTOCOL_VERSION, type ProtocolEntry } from "../../domain/protocol";
import { MAX_UPLOAD_BYTES } from "../../domain/import/limits";
import { KEY_ATTEMPTS_PER_MINUTE } from "../../server/library/guard";
import { KEY_REFRESH_MS } from "../../server/library/library-key";
import { createTestDatabase, delay, projectRoot, refusalOf, runFileCleanups, spawnServer, tempDataDir, withClient } from "./helpers";

const FEED = "sputnik-helsinki-2018";
const sockets: Socket[] = [];

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await runFileCleanups();
});

async function client(url: string): Promise<ReplayClient> {
  const socket = io(url.replace("localhost", "127.0.0.1"), { auth: { protocol: PROTOCOL_VERSION }, transports: ["websocket"] });
  sockets.push(socket);
  const replay = new ReplayClient(socket as ReplaySocket);
  await replay.sync.sync();
  return replay;
}

async function until(condition: () => boolean, ms = 5000): Promise<void> {
  for (const start = Date.now(); !condition(); await delay(20)) if (Date.now() - start > ms) throw new Error("timed out waiting");
}

/** A library request as a script sends it: the key as a bearer token. */
function library(url: string, key: string, path: string, init: RequestInit = {}) {
  return fetch(`${url}/api/library${path}`, { ...init, headers: { Authorization: `Bearer ${key}`, ...(init.headers ?? {}) } });
}

describe("the library key", () => {
  it("is generated on the first start, printed once with the library URL, stored hashed, and still valid after a restart", { timeout: 120_000 }, async () => {
    const databaseUrl = await createTestDatabase();
    const env = { DATABASE_URL: databaseUrl, RELIVE_DATA_DIR: await tempDataDir(), RELIVE_ADMIN_KEY: "" };
    const first = await spawnServer(env);
    expect(first.url, first.output()).toBeDefined();
    // The banner follows the "ready on" line that spawnServer waits for.
    await until(() => first.output().includes("the feed library"));
    const printed = new RegExp(`${first.url!.replace(/[.:/]/g, "\\$&")}/library\\?key=([A-Za-z0-9_-]{43})`).exec(first.output());
    expect(printed, first.output()).not.toBeNull();
    const key = printed![1]!;
    const rows = await withClient(databaseUrl, (db) => db.query(`SELECT hash FROM library_key`));
    expect(rows.rows).toEqual([{ hash: crypto.createHash("sha256").update(key).digest("hex") }]);
    expect(JSON.stringify(rows.rows)).not.toContain(key);

    // The browser enters it once: a cookie, HttpOnly and SameSite=Strict, opens the API.
    const login = await fetch(`${first.url}/api/library/session`, { method: "POST", headers: { Origin: first.url! }, body: JSON.stringify({ key }) });
    expect(login.status).toBe(200);
    const cookie = login.headers.get("set-cookie")!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toContain(key);
    const limits = await fetch(`${first.url}/api/library/limits`, { headers: { Cookie: cookie.split(";")[0]! } });
    expect(await limits.json()).toEqual({ maxUploadBytes: 20 * 1024 * 1024, maxEntries: 5000 });
    expect((await fetch(`${first.url}/api/library/limits`)).status).toBe(401);
    expect((await first.stop("SIGINT")).code).toBe(0);

    const second = await spawnServer(env);
    expect(second.url, second.output()).toBeDefined();
    await until(() => second.output().includes("the feed library"));
    expect(second.output()).not.toMatch(/library\?key=/);
    expect(second.output()).toContain("Library key: stored (hashed) in the database");
    expect((await library(second.url!, key, "/limits")).status).toBe(200);
    expect((await fetch(`${second.url}/api/library/limits`, { headers: { Cookie: cookie.split(";")[0]! } })).status).toBe(200);
    // Wrong keys are refused, and after KEY_ATTEMPTS_PER_MINUTE attempts so is every attempt.
    const attempts: number[] = [];
    for (let i = 0; i < KEY_ATTEMPTS_PER_MINUTE; i++) attempts.push((await library(second.url!, `${key}x`, "/limits")).status);
    expect(new Set(attempts)).toEqual(new Set([403]));
    const limited = await library(second.url!, key, "/limits");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    await second.stop("SIGINT");
  });
});

describe("npm run library-key", () => {
  it("replaces the stored key with a new one, printed once and stored hashed", async () => {
    const databaseUrl = await createTestDatabase();
    const rotate = () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ["--import", "tsx", "scripts/library-key.ts"], {
          cwd: projectRoot,
          env: { ...process.env, DATABASE_URL: databaseUrl, RELIVE_ADMIN_KEY: "" },
          stdio: ["ignore", "pipe", "inherit"],
        });
        let output = "";
        child.stdout.on("data", (chunk: Buffer) => (output += chunk));
        child.on("error", reject).on("exit", (code) => (code === 0 ? resolve(output) : reject(new Error(`exit ${code}: ${output}`))));
      });
    const keyIn = (output: string) => /library\?key=([A-Za-z0-9_-]{43})/.exec(output)?.[1];
    const first = keyIn(await rotate());
    const second = keyIn(await rotate());
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    const rows = await withClient(databaseUrl, (db) => db.query(`SELECT hash FROM library_key`));
    expect(rows.rows).toEqual([{ hash: crypto.createHash("sha256").update(second!).digest("hex") }]);

    // A running server takes the new key without a restart: the old key and its cookie stop working.
    const server = await spawnServer({ DATABASE_URL: databaseUrl, RELIVE_DATA_DIR: await tempDataDir(), RELIVE_ADMIN_KEY: "" });
    expect(server.url, server.output()).toBeDefined();
    const login = await fetch(`${server.url}/api/library/session`, { method: "POST", headers: { Origin: server.url! }, body: JSON.stringify({ key: second }) });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const withCookie = () => fetch(`${server.url}/api/library/feeds/${FEED}`, { headers: { Cookie: cookie } });
    expect((await library(server.url!, second!, `/feeds/${FEED}`)).status).toBe(200);
    expect((await withCookie()).status).toBe(200);
    const third = keyIn(await rotate());
    await delay(KEY_REFRESH_MS + 1000);
    expect((await library(server.url!, second!, `/feeds/${FEED}`)).status).toBe(403);
    expect((await withCookie()).status).toBe(401);
    expect((await library(server.url!, third!, `/feeds/${FEED}`)).status).toBe(200);
  }, 60_000);
});

describe("a re-import that changes one entry under a running class session", () => {
  const key = "integration-library-key-0123456789";
  let url: string;
  let databaseUrl: string;
  let code: string;
  let before: ProtocolEntry[];
  let presenter: ReplayClient;
  let follower: ReplayClient;
  let shownBefore: string[];
  let marked: string;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    const server = await spawnServer({ DATABASE_URL: databaseUrl, RELIVE_DATA_DIR: await tempDataDir(), RELIVE_ADMIN_KEY: key });
    expect(server.url, server.output()).toBeDefined();
    url = server.url!;
    before = (await (await fetch(`${url}/api/feeds/${FEED}`)).json()).entries;

    presenter = await client(url);
    code = (await presenter.create(FEED, "shared")).code!;
    follower = await client(url);
    await follower.join({ code });
    marked = before[40]!.key;
    await presenter.control({ type: "pauseOn", mode: "marked", markedEntryKeys: [marked] });
    await presenter.control({ type: "seek", to: Date.parse(before[20]!.publishedAt) + 1000 });
    await delay(200);
    shownBefore = follower.visibleEntries().map((e) => e.key);
    expect(shownBefore).toEqual(before.slice(0, 21).map((e) => e.key));

    // Export, change one entry's text, preview, import.
    const exported = await (await library(url, key, `/feeds/${FEED}/export?file=feed`)).json();
    const changed = exported.liveBlogUpdate.find((u: { identifier: string }) => u.identifier === before[10]!.key);
    changed.articleBody = `${changed.articleBody}\n\nCorrection: this update was amended.`;
    const body = JSON.stringify(exported);
    const preview = await (await library(url, key, "/preview?name=feed.json", { method: "POST", body })).json();
    expect(preview.preview.diff).toMatchObject({ created: false, added: [], removed: [], changed: [{ key: before[10]!.key, fields: ["body"] }] });
    expect(preview.liveSessions.shared).toBe(1);
    const saved = await library(url, key, "/import?name=feed.json", { method: "POST", body });
    expect(saved.status).toBe(200);
    expect((await saved.json()).report.entries).toEqual({ added: 0, updated: 1, removed: 0, unchanged: before.length - 1 });
  }, 120_000);

  it("keeps the entry keys and order, the session's cursor and pause points, and its commands work", async () => {
    const after: ProtocolEntry[] = (await (await fetch(`${url}/api/feeds/${FEED}`)).json()).entries;
    expect(after.map((e) => e.key)).toEqual(before.map((e) => e.key));
    expect(after[10]!.body).toContain("Correction: this update was amended.");
    const row = await withClient(databaseUrl, (db) => db.query(`SELECT "pauseOn", "markedEntryKeys" FROM replay_session WHERE code = $1`, [code]));
    expect(row.rows[0]).toEqual({ pauseOn: "marked", markedEntryKeys: [marked] });
    expect(follower.visibleEntries().map((e) => e.key)).toEqual(shownBefore);
    await presenter.control({ type: "step", direction: 1 });
    await delay(200);
    expect(follower.visibleEntries().map((e) => e.key)).toEqual(before.slice(0, 22).map((e) => e.key));
  });

  it("refuses an upload over the cap, declared or sent in chunks, naming the limit, and imports nothing", async () => {
    const feeds = async () => (await (await fetch(`${url}/api/feeds`)).json()) as unknown;
    const listed = await feeds();
    // Declared: refused before a byte of it is read.
    const declared = await new Promise<number>((resolve, reject) => {
      const request = http.request(`${url}/api/library/import?name=big.txt`, {
        method: "POST",
        headers: { Authorization: `Bearer ${key}`, "Content-Length": String(MAX_UPLOAD_BYTES + 1) },
      });
      request.on("response", (response) => resolve(response.statusCode!)).on("error", reject);
      request.write("x".repeat(1000));
    });
    expect(declared).toBe(413);
    // Chunked: 1 MiB at a time, past the cap; the server stops reading and closes at the cap.
    let sent = 0;
    const chunk = new Uint8Array(1024 * 1024).fill(120);
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += chunk.length;
        if (sent > MAX_UPLOAD_BYTES + 4 * chunk.length) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const chunked = await library(url, key, "/import?name=big.txt", { method: "POST", body: endless, duplex: "half" } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(await chunked.json()).toEqual({ error: "too_large", message: `Request bodies are limited to ${MAX_UPLOAD_BYTES} bytes` });
    expect(await feeds()).toEqual(listed);
  });

  it("keeps a running session on the version it started with, for every device on every server process, and gives new sessions the new text", async () => {
    const late = await client(url);
    await late.join({ code });
    // A second server process on the same database loads the session after the re-import (as a restart would).
    const second = await spawnServer({ DATABASE_URL: databaseUrl, RELIVE_DATA_DIR: await tempDataDir(), RELIVE_ADMIN_KEY: key });
    expect(second.url, second.output()).toBeDefined();
    const elsewhere = await client(second.url!);
    await elsewhere.join({ code });
    await delay(200);
    const oldBody = before[10]!.body;
    expect(follower.visibleEntries()[10]!.body).toBe(oldBody);
    expect(late.visibleEntries()[10]!.body).toBe(oldBody);
    expect(elsewhere.visibleEntries().map((e) => e.body)).toEqual(follower.visibleEntries().map((e) => e.body));
    // ...and goes on with the old text there as the class moves on.
    await presenter.control({ type: "step", direction: 1 });
    await delay(300);
    expect(elsewhere.visibleEntries().map((e) => e.body)).toEqual(before.slice(0, elsewhere.visibleEntries().length).map((e) => e.body));
    elsewhere.close();

    const fresh = await client(url);
    await fresh.create(FEED, "shared");
    await fresh.control({ type: "seek", to: Date.parse(before[20]!.publishedAt) + 1000 });
    await delay(200);
    expect(fresh.visibleEntries()[10]!.body).toContain("Correction: this update was amended.");
  });
});

describe("a class's pages and whole feed after the library changed its feed", () => {
  it("show the version the session replays: its cards and entries, while new sessions and the plain API get the new ones", { timeout: 120_000 }, async () => {
    const key = "integration-library-key-versions-0123";
    const databaseUrl = await createTestDatabase();
    const server = await spawnServer({ DATABASE_URL: databaseUrl, RELIVE_DATA_DIR: await tempDataDir(), RELIVE_ADMIN_KEY: key });
    expect(server.url, server.output()).toBeDefined();
    const url = server.url!;
    const feedAt = (query = "") => fetch(`${url}/api/feeds/${FEED}${query}`);
    const original = await (await feedAt()).json();
    const presenter = await client(url);
    const { code } = await presenter.create(FEED, "shared");
    const socket = io(url.replace("localhost", "127.0.0.1"), { auth: { protocol: PROTOCOL_VERSION }, transports: ["websocket"] });
    sockets.push(socket);
    const joined = await socket.emitWithAck("session:join", { code });
    const version: string = joined.feedVersion;
    expect(version).toMatch(/^[0-9a-f-]{36}:\d+:\d+$/);
    const versionQuery = `?version=${encodeURIComponent(version)}`;
    const current = await feedAt(versionQuery);
    expect(current.headers.get("etag")).toBe((await feedAt()).headers.get("etag")); // unchanged yet: the current copy

    // The library adds a card: a new version of the feed.
    const cardFile = await (await library(url, key, `/feeds/${FEED}/export?file=cards`)).json();
    const card = { ...cardFile.cards[0], id: "added-after-the-class-began", title: "A card added after the class began", pinnedByDefault: false };
    const added = await library(url, key, `/feeds/${FEED}/cards/${card.id}`, { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify(card) });
    expect(added.status, await added.clone().text()).toBe(200);
    const now = await (await feedAt()).json();
    expect(now.cards.map((c: { id: string }) => c.id)).toContain(card.id);

    // The session's version, as kept: the cards it started with, served again with the same ETag as then.
    const kept = await feedAt(versionQuery);
    expect(kept.status).toBe(200);
    expect(kept.headers.get("etag")).toBe(current.headers.get("etag"));
    expect(await kept.json()).toEqual(original);
    expect((await fetch(`${url}/api/feeds/${FEED}${versionQuery}`, { headers: { "Accept-Encoding": "br" } })).headers.get("content-encoding")).toBe("br");
    // Its pages (console, projector, phone) list the session's cards and read the whole feed at its version.
    for (const path of [`/s/${code}/control`, `/s/${code}/present`, `/s/${code}`]) {
      const html = await (await fetch(`${url}${path}`)).text();
      expect(html, path).not.toContain(card.title);
      expect(html, path).toContain(original.cards[1].title);
      expect(html, path).toContain(`/api/feeds/${FEED}${versionQuery}`);
    }
    // A session started now replays the new version.
    const later = await client(url);
    const laterCode = (await later.create(FEED, "shared")).code!;
    expect(await (await fetch(`${url}/s/${laterCode}/control`)).text()).toContain(card.title);
    // The card the old session never had cannot be pinned in it.
    await expect(presenter.control({ type: "pin", card: card.id, pinned: true })).rejects.toMatchObject({ refusal: { reason: "unknown_card" } });

    // Versions that name nothing, or nothing kept: clear refusals.
    expect(await (await feedAt("?version=latest")).json()).toMatchObject({ error: "bad_version" });
    expect((await feedAt("?version=latest")).status).toBe(400);
    const unknown = await feedAt(`?version=${encodeURIComponent(`${version.split(":")[0]}:1:1`)}`);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toBe("version_not_found");
    presenter.close();
    later.close();
  });
});

describe("deleting a feed while a class runs on it", () => {
  it("ends the session on every device, on every server process, and it cannot be joined again", { timeout: 120_000 }, async () => {
    const key = "integration-library-key-0123456789";
    const databaseUrl = await createTestDatabase();
    const env = { DATABASE_URL: databaseUrl, RELIVE_ADMIN_KEY: key };
    const [a, b] = [await spawnServer({ ...env, RELIVE_DATA_DIR: await tempDataDir() }), await spawnServer({ ...env, RELIVE_DATA_DIR: await tempDataDir() })];
    expect(a.url, a.output()).toBeDefined();
    expect(b.url, b.output()).toBeDefined();
    const presenter = await client(a.url!);
    const code = (await presenter.create(FEED, "shared")).code!;
    await presenter.control({ type: "play" });
    const here = await client(a.url!);
    const there = await client(b.url!);
    await here.join({ code });
    await there.join({ code });
    // The command-line follower, on the other process.
    const cli = spawn(process.execPath, ["--import", "tsx", "scripts/follow.ts", code, "--url", b.url!, "--json"], { cwd: projectRoot });
    let [cliOut, cliErr] = ["", ""];
    cli.stdout.on("data", (chunk) => (cliOut += chunk));
    cli.stderr.on("data", (chunk) => (cliErr += chunk));
    const cliExit = new Promise<number | null>((resolve) => cli.once("exit", resolve));
    await until(() => cliOut.includes('"type":"clock"'), 15_000); // joined: it printed the clock
    const lost = new Map<ReplayClient, string>();
    for (const device of [presenter, here, there]) device.on((event) => void (event.type === "lost" && lost.set(device, `${event.reason}: ${event.message}`)));

    const deleted = await library(a.url!, key, `/feeds/${FEED}?confirm=${FEED}`, { method: "DELETE" });
    expect(deleted.status).toBe(200);
    await until(() => lost.size === 3);
    expect(new Set(lost.values())).toEqual(new Set(["unknown_session: This session has ended: its feed was deleted from the library."]));
    expect(await Promise.race([cliExit, delay(10_000).then(() => "timeout")])).toBe(1);
    expect(cliErr).toBe("relive follow: This session has ended: its feed was deleted from the library.\n");

    for (const url of [a.url!, b.url!]) expect(await refusalOf((await client(url)).join({ code }))).toBe("unknown_session");
    // Its sockets left it: a command from the console is refused as from a socket that never joined.
    expect(await refusalOf(presenter.control({ type: "pause" }))).toBe("not_joined");
  });
});
