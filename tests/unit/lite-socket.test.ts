/**
 * The socket bench's raw followers (bench/lite-socket.ts) speak socket.io's
 * wire protocol by hand: against a real socket.io server on loopback, they
 * connect with their auth, ask and answer acknowledgements, read a state's
 * revision without parsing the rest, and hear the server hang up.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { afterEach, describe, expect, it } from "vitest";
import { LiteSocket, stateRevision } from "../../bench/lite-socket";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function server(): Promise<{ io: Server; url: string }> {
  const httpServer = http.createServer();
  const io = new Server(httpServer, { serveClient: false, perMessageDeflate: false });
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  close = () => new Promise((resolve) => void io.close(() => resolve()));
  return { io, url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}` };
}

describe("LiteSocket", () => {
  it("connects with its auth, and its requests get the server's answers", async () => {
    const { io, url } = await server();
    const auths: unknown[] = [];
    io.on("connection", (socket) => {
      auths.push(socket.handshake.auth);
      socket.on("session:join", (request: { code: string }, ack: (answer: unknown) => void) => ack({ ok: true, code: request.code }));
    });
    const socket = new LiteSocket(url, { protocol: 7 }, 5000);
    await socket.opened;
    expect(socket.connected).toBe(true);
    expect(auths).toEqual([{ protocol: 7 }]);
    expect(await socket.emitWithAck("session:join", { code: "ABC234" }, 5000)).toEqual({ ok: true, code: "ABC234" });
    expect(await socket.emitWithAck("session:join", { code: "XYZ789" }, 5000)).toEqual({ ok: true, code: "XYZ789" });
    socket.close();
  });

  it("hears events as JSON text, answers the ones that ask, and reads a state's revision alone", async () => {
    const { io, url } = await server();
    const socket = new LiteSocket(url, {}, 5000);
    const states: string[] = [];
    socket.on("session:state", (json) => states.push(json));
    socket.on("session:probe", (json, ack) => ack?.({ echoed: JSON.parse(json) }));
    await socket.opened;
    const [server_] = await io.fetchSockets();
    const state = { sessionId: "s", previousClock: { revision: 4, playing: false }, clock: { playing: true, rate: 60, revision: 5 }, text: 'a "quoted" ] word' };
    server_!.emit("session:state", state);
    await expect.poll(() => states.length).toBe(1);
    expect(JSON.parse(states[0]!)).toEqual(state);
    expect(stateRevision(states[0]!)).toBe(5); // the clock's, not the previous clock's
    expect(await server_!.timeout(5000).emitWithAck("session:probe", { round: 3 })).toEqual({ echoed: { round: 3 } });
    socket.close();
  });

  it("says when the server hangs up, and a refused connection fails to open", async () => {
    const { io, url } = await server();
    io.use((socket, next) => next(socket.handshake.auth.protocol === 1 ? undefined : new Error("wrong protocol")));
    const socket = new LiteSocket(url, { protocol: 1 }, 5000);
    const reasons: string[] = [];
    socket.onDisconnect((reason) => reasons.push(reason));
    await socket.opened;
    (await io.fetchSockets())[0]!.disconnect(true);
    await expect.poll(() => reasons).toEqual(["transport close"]);
    expect(socket.connected).toBe(false);
    await expect(new LiteSocket(url, { protocol: 2 }, 5000).opened).rejects.toThrow(/connection refused.*wrong protocol/);
  });
});
