/**
 * The replay engine on socket.io: the handshake checks (socket/handshake.ts),
 * then each socket as a Peer and the server's rooms as Rooms, handed to the
 * transport-free room logic (socket/connections.ts: dispatch, handlers,
 * presence). This is the only file of the room logic that touches socket.io's
 * Server and Socket.
 */
import type { Server, Socket } from "socket.io";
import type { ClassQuestions } from "../classroom/questions";
import type { ClientToServerEvents, ServerToClientEvents } from "../../domain/protocol";
import type { JoinGuard } from "./join-guard";
import type { SessionChange, SessionManager } from "./session-manager";
import { replayConnections, type ReplayConnections } from "./socket/connections";
import { capSocketsPerAddress, requireProtocolVersion, type AddressLimits } from "./socket/handshake";
import type { Census } from "./socket/presence";
import type { Peer, ProcessQuestion, Rooms, SocketData } from "./socket/transport";

export type { AddressLimits };

/** Between server processes (through the Postgres adapter): a session changed (no secret hash: see SessionChange). */
export interface InterServerEvents {
  "relive:session": (change: SessionChangeJson) => void;
  /** A feed was deleted on that process: its sessions end here too. */
  "relive:feed-deleted": (slug: string) => void;
  /** A process counting a session's followers asks every other for its own sockets' census. */
  "relive:census": (question: ProcessQuestion, reply: (census: Census) => void) => void;
}
/** A change as it travels, with the server time its process began to deliver it (the receiver measures the relay). */
export type SessionChangeJson = Omit<SessionChange, "expiresAt"> & { expiresAt: string; sentAt: number };

export type ReplayServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type ReplaySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** A socket.io socket as the room logic sees it. */
function socketPeer(socket: ReplaySocket): Peer {
  const untyped = socket as unknown as { emit(event: string, payload: unknown): void };
  return {
    id: socket.id,
    address: socket.handshake.address,
    data: socket.data,
    join: (rooms) => socket.join(rooms),
    leave: (room) => socket.leave(room),
    emit: (event, payload) => untyped.emit(event, payload),
    ask: (event, payload, timeoutMs) => socket.timeout(timeoutMs).emitWithAck(event, payload),
  };
}

/** socket.io's rooms as the room logic sees them (a socket's id is a room of its own, as Rooms expects). */
export function socketRooms(io: ReplayServer): Rooms {
  return {
    emit(target, event, payload) {
      let operator = (target.localOnly ? io.local : io).to(target.rooms);
      if (target.except !== undefined) operator = operator.except(target.except);
      (operator as unknown as { emit(event: string, payload: unknown): void }).emit(event, payload);
    },
    askProcesses(question, timeoutMs) {
      // The adapter gives up on a missing answer only after 5 s; a count must not wait that long.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`another server process did not answer within ${timeoutMs} ms`)), timeoutMs);
      });
      return Promise.race([io.serverSideEmitWithAck("relive:census", question), late]).finally(() => clearTimeout(timer));
    },
    answerProcesses(answer) {
      io.on("relive:census", (question, reply) => reply(answer(question)));
    },
    local(room) {
      const found: Peer[] = [];
      for (const socketId of io.sockets.adapter.rooms.get(room) ?? []) {
        const socket = io.sockets.sockets.get(socketId);
        if (socket) found.push(socketPeer(socket));
      }
      return found;
    },
  };
}

export function attachReplay(
  io: ReplayServer,
  manager: SessionManager,
  guard: JoinGuard,
  now: () => number,
  limits: AddressLimits,
  questions: ClassQuestions,
): ReplayConnections {
  capSocketsPerAddress(io, limits.socketsPerAddress);
  requireProtocolVersion(io);
  const connections = replayConnections({ manager, guard, questions, rooms: socketRooms(io), now, sessionCreatesPerMinute: limits.sessionCreatesPerMinute });
  io.engine.on("close", () => connections.close());

  io.on("connection", (socket) => {
    const connection = connections.connect(socketPeer(socket));
    socket.on("disconnect", () => connection.disconnected());
    socket.onAny((event: string, ...args: unknown[]) => connection.receive(event, args));
  });
  return connections;
}
