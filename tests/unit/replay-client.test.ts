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
