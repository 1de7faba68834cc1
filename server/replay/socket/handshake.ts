/**
 * Before a socket exists: the per-address connection cap, counted at the
 * transport (every connection, whether or not it becomes a socket), and the
 * protocol version in the handshake (`auth.protocol`). A client of another
 * version is refused with `protocol_mismatch` and the version expected, so a
 * tab left open across a deploy says "reload" instead of misbehaving.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { ReplayServer } from "../socket-server";
import { ErrorReason, handshakeSchema, PROTOCOL_VERSION, refusal, type Refusal } from "../../../domain/protocol";
import { sendJson } from "../../http/api";
import { AddressCounter, addressKey, refuseUpgrade } from "../../http/security";

/** The per-address caps in force (see ADDRESS_CAPS; 0 turns one off). */
export interface AddressLimits {
  socketsPerAddress: number;
  sessionCreatesPerMinute: number;
}


/** Caps the sockets of one address at `maxSockets` (0: no cap). */
export function capSocketsPerAddress(io: ReplayServer, maxSockets: number): void {
  const connections = new AddressCounter();
  io.engine.on("connection", (connection: { remoteAddress: string; once(event: "close", listener: () => void): void }) => {
    const key = addressKey(connection.remoteAddress);
    connections.add(key);
    connection.once("close", () => connections.remove(key));
  });
  if (maxSockets <= 0) return;
  // Over the cap, a socket is refused with a reason (below) and its client
  // closes the connection. One that never asks for a socket is dropped after
  // socket.io's connectTimeout; until then it counts, and at twice the cap
  // new connections from that address are refused before they open.
  io.engine.use((req: IncomingMessage & { _query?: Record<string, string> }, res: ServerResponse, next: (error?: Error) => void) => {
    if (req._query?.sid !== undefined || connections.count(addressKey(req.socket.remoteAddress)) < 2 * maxSockets) return next();
    if (!(res instanceof http.ServerResponse)) return refuseUpgrade(req.socket, 429, tooManySockets(maxSockets));
    sendJson(res, 429, tooManySockets(maxSockets));
  });
  io.use((socket, next) => {
    if (connections.count(addressKey(socket.handshake.address)) <= maxSockets) return next();
    const refused = tooManySockets(maxSockets);
    next(withData(new Error(refused.message), { reason: refused.reason, max: maxSockets }));
  });
}

/** Refuses a handshake without this server's protocol version. */
export function requireProtocolVersion(io: ReplayServer): void {
  io.use((socket, next) => {
    const handshake = handshakeSchema.safeParse(socket.handshake.auth);
    if (!handshake.success || handshake.data.protocol !== PROTOCOL_VERSION) {
      const error = new Error(`This server speaks protocol ${PROTOCOL_VERSION}; reload the page to update`);
      return next(withData(error, { reason: ErrorReason.protocolMismatch, expected: PROTOCOL_VERSION }));
    }
    next();
  });
}

function withData(error: Error, data: unknown): Error {
  return Object.assign(error, { data });
}

function tooManySockets(max: number): Refusal {
  return refusal(ErrorReason.rateLimited, `Too many connections from this address (at most ${max}); close some tabs, or try again shortly`);
}
