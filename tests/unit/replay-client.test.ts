/**
 * The client library's life cycle on a real socket.io-client socket (never
 * connected): what it adds, it removes, and nothing else.
 */
import { io } from "socket.io-client";
import { describe, expect, it } from "vitest";
import { ReplayClient, type ReplaySocket } from "@/client/replay-client";

const EVENTS = ["session:state", "session:entries", "session:presence", "session:probe"] as const;

function counts(socket: ReplaySocket): Record<string, number> {
  const raw = socket as unknown as { listeners(event: string): unknown[] };
  return {
    ...Object.fromEntries(EVENTS.map((event) => [event, raw.listeners(event).length])),
    reconnect: (socket.io as unknown as { listeners(event: string): unknown[] }).listeners("reconnect").length,
  };
}

describe("ReplayClient on a shared socket", () => {
  it("close() removes every handler it added, and leaves other code's handlers alone", () => {
    const socket = io("http://127.0.0.1:9", { autoConnect: false, reconnection: false }) as ReplaySocket;
    const before = counts(socket);
    const others = { state: 0, reconnect: 0 };
    socket.on("session:state", () => void others.state++);
    socket.io.on("reconnect", () => void others.reconnect++);

    const client = new ReplayClient(socket);
    const added = counts(socket);
    for (const event of EVENTS) expect(added[event]).toBe(before[event]! + (event === "session:state" ? 2 : 1));
    expect(added.reconnect).toBe(before.reconnect! + 2);

    client.close();
    const after = counts(socket);
    expect(after).toEqual({ ...before, "session:state": before["session:state"]! + 1, reconnect: before.reconnect! + 1 });
    // The other handlers still hear their events.
    (socket as unknown as { listeners(event: string): Array<(value: unknown) => void> }).listeners("session:state").forEach((handler) => handler({}));
    (socket.io as unknown as { emit(event: string): void }).emit("reconnect");
    expect(others).toEqual({ state: 1, reconnect: 1 });
    socket.close();
  });

  it("two clients on one socket: closing one leaves the other listening", () => {
    const socket = io("http://127.0.0.1:9", { autoConnect: false, reconnection: false }) as ReplaySocket;
    const first = new ReplayClient(socket);
    const second = new ReplayClient(socket);
    first.close();
    const left = counts(socket);
    for (const event of EVENTS) expect(left[event]).toBe(1);
    expect(left.reconnect).toBe(1);
    second.close();
    const none = counts(socket);
    for (const event of EVENTS) expect(none[event]).toBe(0);
    socket.close();
  });

  it("has no mode before it creates or joins a session", () => {
    const socket = io("http://127.0.0.1:9", { autoConnect: false, reconnection: false }) as ReplaySocket;
    const client = new ReplayClient(socket);
    expect(client.mode).toBeUndefined();
    expect(client.detached).toBe(false);
    client.close();
    socket.close();
  });
});

describe("a sync answer overtaken by a newer state", () => {
  it("is not applied, and the client asks again", async () => {
    // A hand-held socket: the test decides when each answer arrives.
    const handlers = new Map<string, (...args: unknown[]) => void>();
    const sent: Array<{ event: string; payload: unknown; answer: (response: unknown) => void }> = [];
    const socket = {
      on: (event: string, handler: (...args: unknown[]) => void) => void handlers.set(event, handler),
      off: () => undefined,
      timeout: () => ({
        emitWithAck: (event: string, payload: unknown) => new Promise((resolve) => sent.push({ event, payload, answer: resolve })),
      }),
      io: { on: () => undefined, off: () => undefined },
      connected: true,
    } as unknown as ReplaySocket;
    const client = new ReplayClient(socket);
    client.sync.synced = true;
    const clockAt = (revision: number) => ({ playing: false, rate: 1, simAtAnchor: 1000 * revision, serverTimeAtAnchor: 0, revision, idleLimitMs: null, stopAt: null });
    const snapshot = (revision: number) => ({
      sessionId: "00000000-0000-4000-8000-000000000001",
      feed: "f",
      code: "ABCDEF",
      clock: clockAt(revision),
      previousClock: null,
      base: 0,
      cursor: 0,
      entries: [],
      pinnedCards: [],
      revealedCards: [],
      settings: { pauseOn: "off", markedEntryKeys: [], blanked: false },
      expiresAt: "2030-01-01T00:00:00Z",
    });
    const joining = client.join({ code: "ABCDEF" });
    sent.shift()!.answer({ ok: true, role: "follower", snapshot: snapshot(3), timeline: { start: 0, end: 10_000, entryTimes: [] } });
    await joining;

    const syncing = client.resync();
    const firstSync = sent.shift()!;
    expect(firstSync.event).toBe("session:sync");
    // A newer state arrives before the answer, which the server computed earlier.
    handlers.get("session:state")!(snapshot(5));
    expect(client.view!.clock.revision).toBe(5);
    firstSync.answer({ ok: true, snapshot: snapshot(4) });
    await syncing;
    expect(client.view!.clock.revision).toBe(5); // the older answer did not undo the newer state
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(sent.map((message) => message.event)).toEqual(["session:sync"]); // asked again
    expect(sent[0]!.payload).toMatchObject({ have: { revision: 5 } });
    client.close();
  });
});
