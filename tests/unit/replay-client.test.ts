/**
 * The client library's life cycle on a real socket.io-client socket (never
 * connected): what it adds, it removes, and nothing else.
 */
import { io } from "socket.io-client";
import { describe, expect, it } from "vitest";
import { keyAction } from "@/app/_replay/key-map";
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

/** A hand-held socket: the test decides when each answer arrives, and sends the server's events itself. */
function handHeldSocket() {
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
  return { client, handlers, sent };
}

type TestClock = { playing: boolean; rate: number; simAtAnchor: number; serverTimeAtAnchor: number; revision: number };

function snapshot(clock: TestClock, previousClock: TestClock | null = null) {
  const full = (state: TestClock) => ({ idleLimitMs: null, stopAt: null, ...state });
  return {
    sessionId: "00000000-0000-4000-8000-000000000001",
    feed: "f",
    code: "ABCDEF",
    clock: full(clock),
    previousClock: previousClock && full(previousClock),
    base: 0,
    cursor: 0,
    entries: [],
    pinnedCards: [],
    revealedCards: [],
    settings: { pauseOn: "off", markedEntryKeys: [], blanked: false },
    expiresAt: "2030-01-01T00:00:00Z",
  };
}

const TIMELINE = { start: 0, end: 10_000_000, entryTimes: [] };

describe("a sync answer overtaken by a newer state", () => {
  it("is not applied, and the client asks again", async () => {
    const { client, handlers, sent } = handHeldSocket();
    const stateAt = (revision: number) => snapshot({ playing: false, rate: 1, simAtAnchor: 1000 * revision, serverTimeAtAnchor: 0, revision });
    const joining = client.join({ code: "ABCDEF" });
    sent.shift()!.answer({ ok: true, role: "follower", snapshot: stateAt(3), timeline: TIMELINE });
    await joining;

    const syncing = client.resync();
    const firstSync = sent.shift()!;
    expect(firstSync.event).toBe("session:sync");
    // A newer state arrives before the answer, which the server computed earlier.
    handlers.get("session:state")!(stateAt(5));
    expect(client.view!.clock.revision).toBe(5);
    firstSync.answer({ ok: true, snapshot: stateAt(4) });
    await syncing;
    expect(client.view!.clock.revision).toBe(5); // the older answer did not undo the newer state
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(sent.map((message) => message.event)).toEqual(["session:sync"]); // asked again
    expect(sent[0]!.payload).toMatchObject({ have: { revision: 5 } });
    client.close();
  });
});

describe("a change announced and not yet in force (within the lead)", () => {
  /** A paused class at 10 s, then Play announced to take effect a minute from now, at 2×. */
  async function announced(role: "presenter" | "follower") {
    const { client, handlers, sent } = handHeldSocket();
    const paused = { playing: false, rate: 1, simAtAnchor: 10_000, serverTimeAtAnchor: 0, revision: 1 };
    const joining = client.join({ code: "ABCDEF" }, role === "presenter" ? "secret" : undefined);
    sent.shift()!.answer({ ok: true, role, snapshot: snapshot(paused), timeline: TIMELINE });
    await joining;
    const anchor = client.sync.serverNow() + 60_000;
    handlers.get("session:state")!(snapshot({ playing: true, rate: 2, simAtAnchor: 10_000, serverTimeAtAnchor: anchor, revision: 2 }, paused));
    return client;
  }

  it("is what a presenter's controls act on, while the screen still shows the clock in force", async () => {
    const client = await announced("presenter");
    expect(client.currentClock()).toMatchObject({ playing: false, revision: 1 });
    expect(client.simTime()).toBe(10_000);
    expect(client.controlClock()).toMatchObject({ playing: true, rate: 2, revision: 2 });
    expect(client.controlSimTime()).toBe(10_000); // where Play starts the class, not later
    // So a second press builds on the first: Space pauses (takes the Play back), ">" goes past 2×.
    const context = { role: "presenter" as const, clock: client.controlClock()!, sim: client.controlSimTime()!, timeline: TIMELINE, projectorBlanked: false };
    expect(keyAction({ key: " ", shiftKey: false, modified: false, target: "other" }, context)).toEqual({ type: "command", command: { type: "pause" } });
    expect(keyAction({ key: ">", shiftKey: false, modified: false, target: "other" }, context)).toMatchObject({ type: "command", command: { type: "rate" } });
    const faster = keyAction({ key: ">", shiftKey: false, modified: false, target: "other" }, context);
    expect(faster?.type === "command" && faster.command.type === "rate" && faster.command.rate).toBeGreaterThan(2);
    expect(keyAction({ key: "l", shiftKey: false, modified: false, target: "other" }, context)).toEqual({ type: "command", command: { type: "seek", to: 70_000 } });
    client.close();
  });

  it("is not what a follower's controls act on: they read on from the screen's own moment", async () => {
    const client = await announced("follower");
    expect(client.controlClock()).toMatchObject({ playing: false, revision: 1 });
    expect(client.controlSimTime()).toBe(10_000);
    client.close();
  });
});
