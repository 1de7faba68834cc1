/**
 * The socket bench's ReplayClient followers decode a broadcast once for all
 * of them (bench/shared-decode.ts): against a real socket.io server on
 * loopback, every follower still hears every event with the server's own
 * payload, the copies after the first are the first one's packet, frozen,
 * and events that ask for an answer are decoded per socket and answered.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { io as connect, type Socket } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { sharedDecodeParser, sharing } from "../../bench/shared-decode";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function followers(count: number): Promise<{ io: Server; sockets: Socket[] }> {
  const httpServer = http.createServer();
  const io = new Server(httpServer, { serveClient: false, perMessageDeflate: false });
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const sockets = Array.from({ length: count }, () => connect(url, { transports: ["websocket"], forceNew: true, reconnection: false, parser: sharedDecodeParser }));
  await Promise.all(sockets.map((socket) => new Promise((resolve) => socket.once("connect", () => resolve(undefined)))));
  close = async () => {
    for (const socket of sockets) socket.disconnect();
    await new Promise((resolve) => void io.close(() => resolve(undefined)));
  };
  return { io, sockets };
}

/** Resolves with what each socket hears of `event`, once all have heard it `times` times. */
function heard(sockets: Socket[], event: string, times: number): Promise<unknown[][]> {
  return Promise.all(
    sockets.map(
      (socket) =>
        new Promise<unknown[]>((resolve) => {
          const payloads: unknown[] = [];
          socket.on(event, (payload: unknown) => {
            payloads.push(payload);
            if (payloads.length === times) resolve(payloads);
          });
        }),
    ),
  );
}

describe("a broadcast decoded once for the load process's followers", () => {
  it("reaches every follower with the server's payload, one frozen packet for all, broadcast after broadcast", async () => {
    const { io, sockets } = await followers(5);
    const before = { ...sharing };
    const hearing = heard(sockets, "session:entries", 2);
    const first = { from: 0, to: 2, entries: [{ key: "a", title: "Arrivals" }, { key: "b", title: "Talks" }] };
    const second = { from: 2, to: 3, entries: [{ key: "c", title: "Press conference" }] };
    io.emit("session:entries", first);
    io.emit("session:entries", second);
    const payloads = await hearing;
    for (const [got1, got2] of payloads) {
      expect(got1).toEqual(first);
      expect(got2).toEqual(second);
    }
    // One decode per broadcast; the four other followers reuse it, and no one can change it.
    expect(sharing.decoded - before.decoded).toBe(2);
    expect(sharing.reused - before.reused).toBe(8);
    expect(new Set(payloads.map((got) => got[0])).size).toBe(1);
    const shared = payloads[0]![0] as typeof first;
    expect(Object.isFrozen(shared) && Object.isFrozen(shared.entries) && Object.isFrozen(shared.entries[0])).toBe(true);
    expect(() => (shared.entries as unknown[]).push({ key: "x" })).toThrow(TypeError);
  });

  it("decodes an event that asks for an answer per socket, and each socket answers its own", async () => {
    const { io, sockets } = await followers(3);
    sockets.forEach((socket, i) => socket.on("session:probe", (payload: { serverTime: number }, ack: (answer: unknown) => void) => ack({ i, serverNow: payload.serverTime + i })));
    const before = { ...sharing };
    const answers = await Promise.all([...io.sockets.sockets.values()].map((socket) => socket.timeout(5000).emitWithAck("session:probe", { serverTime: 1000 })));
    expect(answers.map((answer: { serverNow: number }) => answer.serverNow - 1000).sort()).toEqual([0, 1, 2]);
    expect(sharing).toEqual(before);
  });
});
