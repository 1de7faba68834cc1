/**
 * What the room logic needs of a transport, and nothing more: a peer (one
 * connected client) and the rooms that peers join. socket.io provides them in
 * production (server/replay/socket-server.ts); tests provide an in-memory pair
 * that they flush by hand (tests/support/test-socket-pair.ts). Of the files
 * beside this one, only handshake.ts knows socket.io.
 */
import type { ServerEventName, ServerPayload } from "../../../domain/protocol";
import type { Census } from "./presence";

/** One follower in one session, from its status reports and the server's probes. */
export interface FollowerMeasure {
  detached: boolean;
  /** Its estimate of the server clock minus the server clock, ms; null until measured. */
  skewMs: number | null;
  /** The clock revision it held when it answered. */
  revision: number | null;
  /** It did not answer the last probe in time. */
  silent: boolean;
  /** The last probe's round trip, ms: how long delivery to it takes (the session's lead follows the slowest). */
  roundTripMs?: number;
  /**
   * How long the session's last change took to reach this follower's process
   * from the process that made it, ms (0 on that one): a change reaches this
   * follower that much later than the probe's round trip says.
   */
  relayMs?: number;
  /** A projector: it shows the class's screen and is not counted among those following. */
  projector?: boolean;
}

export interface SocketData {
  /** Sessions this socket has joined, and as what. (A plain object: it crosses processes.) */
  roles: Record<string, "presenter" | "follower">;
  /** How a follower keeps up with each session, as last measured (plain data, for the same reason). */
  sync: Record<string, FollowerMeasure>;
  /** The device token each session's answers came with: one socket answers for one device. */
  devices: Record<string, string>;
}

/** Server events that expect no answer. */
export type PushEvent = Exclude<ServerEventName, "session:probe">;

/** One connected client, on this process. */
export interface Peer {
  readonly id: string;
  /** The address it connected from (for per-address limits). */
  readonly address: string;
  readonly data: SocketData;
  join(rooms: string | string[]): void | Promise<void>;
  leave(room: string): void | Promise<void>;
  emit<E extends PushEvent>(event: E, payload: ServerPayload<E>): void;
  /** Asks and waits for the answer; rejects after `timeoutMs`. */
  ask(event: "session:probe", payload: ServerPayload<"session:probe">, timeoutMs: number): Promise<unknown>;
}

/** Who a room message goes to: the peers in `rooms` (a peer's id is a room of its own), less those in `except`. */
export interface RoomTarget {
  rooms: string | string[];
  except?: string;
  /** Only this process's peers (the others hear of the change through their own session manager). */
  localOnly?: boolean;
}

/** What one server process asks the others: how its sockets in a session add up (presence.ts). */
export interface ProcessQuestion {
  census: string;
}

/** The rooms of every server process. */
export interface Rooms {
  emit<E extends PushEvent>(target: RoomTarget, event: E, payload: ServerPayload<E>): void;
  /**
   * Asks every other server process (none when alone) and resolves with their
   * answers; rejects if one does not answer within `timeoutMs`.
   */
  askProcesses(question: ProcessQuestion, timeoutMs: number): Promise<Census[]>;
  /** How this process answers the others' questions (one answerer per process). */
  answerProcesses(answer: (question: ProcessQuestion) => Census): void;
  /** The peers in a room connected to this process. */
  local(room: string): Peer[];
}

export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
/** The presenters of a session (also in its sessionRoom): they alone see its pause points. */
export const presenterRoom = (sessionId: string) => `presenters:${sessionId}`;
