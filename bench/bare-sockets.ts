/**
 * The bare socket.io baseline of the socket figures: the same socket.io
 * version and server options as the real server (server/app-server.ts), and
 * nothing else. Followers `session:join` a room; the presenter sends the
 * payload to broadcast once (`bare:payload`, the real server's own
 * `session:state` as a follower received it), then each `session:control`
 * broadcasts it to the room with a new revision and acknowledges after the
 * broadcast, as the real server does. No validation, no database, no clock:
 * what is left is what any socket.io server here pays. Started by
 * bench/sockets.ts in its own process; prints "ready on <port>".
 */
import http from "node:http";
import { Server } from "socket.io";

/** Revisions far above the real session's, so the load process never mixes the two. */
const FIRST_REVISION = 1_000_000;

const server = http.createServer((_req, res) => res.writeHead(404).end());
const io = new Server(server, { serveClient: false, maxHttpBufferSize: 16 * 1024, perMessageDeflate: false });
let payload: { clock: Record<string, unknown> } & Record<string, unknown> = { clock: {} };
let revision = FIRST_REVISION;

io.on("connection", (socket) => {
  socket.on("session:join", (_request: unknown, ack: (answer: unknown) => void) => {
    void socket.join("session");
    ack({ ok: true });
  });
  socket.on("bare:payload", (state: typeof payload, ack: (answer: unknown) => void) => {
    payload = state;
    ack({ ok: true });
  });
  socket.on("session:control", (_request: unknown, ack: (answer: unknown) => void) => {
    revision++;
    io.to("session").emit("session:state", { ...payload, clock: { ...payload.clock, revision } });
    ack({ ok: true, revision });
  });
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`ready on ${typeof address === "object" && address ? address.port : "?"}`);
});
process.on("SIGINT", () => {
  io.close();
  process.exit(0);
});
process.on("disconnect", () => process.exit(0));
