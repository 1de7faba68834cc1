/**
 * The replay server without its transport: every handler, presence and
 * probes, wired to a Rooms. A transport calls `connect` for each new peer,
 * then hands it every message and finally its disconnection.
 */
import { ErrorReason, PROTOCOL_VERSION } from "../../../domain/protocol";
import { APP_VERSION } from "../../../domain/version";
import type { ClassQuestions } from "../../classroom/questions";
import type { JoinGuard } from "../join-guard";
import { questionHandlers } from "../question-handlers";
import type { SessionManager } from "../session-manager";
import { dispatch, type Handlers } from "./dispatch";
import { PresenceCounter, PROBE_INTERVAL_MS } from "./presence";
import { TokenBucket } from "./rate-limit";
import { joinedSession, leaveSession, sessionHandlers } from "./session-handlers";
import { sessionRoom, type Peer, type Rooms } from "./transport";

export interface ReplayConnectionsOptions {
  manager: SessionManager;
  guard: JoinGuard;
  questions: ClassQuestions;
  rooms: Rooms;
  now: () => number;
  /** New sessions per address per minute; 0 turns the cap off. */
  sessionCreatesPerMinute: number;
}

export interface PeerConnection {
  /** A message from the peer: its event name and arguments, the acknowledgement callback last. */
  receive(event: string, args: unknown[]): void;
  disconnected(): void;
}

export interface ReplayConnections {
  connect(peer: Peer): PeerConnection;
  /** A session that no longer exists: its peers on this process hear why, and leave it. */
  ended(sessionId: string, message: string): void;
  /** Stops probing and pending presence counts. */
  close(): void;
}

export function replayConnections(options: ReplayConnectionsOptions): ReplayConnections {
  const { manager, now, rooms } = options;
  const presence = new PresenceCounter(
    rooms,
    (sessionId) => manager.loadedRevision(sessionId),
    (sessionId, slowest) => manager.measuredDelivery(sessionId, slowest),
    (sessionId) => manager.relayMs(sessionId),
    now,
  );
  const handlers: Handlers = {
    ...sessionHandlers({ manager, guard: options.guard, now, presence, sessionCreatesPerMinute: options.sessionCreatesPerMinute }),
    ...questionHandlers({ rooms, questions: options.questions, now, joined: joinedSession(manager) }),
  };
  // Every process probes at the same instants, the multiples of the interval in server time
  // (which the processes share): their followers all answer at once, as they all receive a
  // change at once, so the round trips measure delivery under the load a change brings.
  let probing: ReturnType<typeof setTimeout> | undefined;
  let nextRound = (Math.floor(now() / PROBE_INTERVAL_MS) + 1) * PROBE_INTERVAL_MS;
  const probeAtNextRound = () => {
    probing = setTimeout(() => {
      presence.probeWatchedSessions();
      do nextRound += PROBE_INTERVAL_MS;
      while (nextRound <= now()); // a round missed (a stalled process) is skipped, not run late
      probeAtNextRound();
    }, Math.max(0, nextRound - now()));
    probing.unref?.();
  };
  probeAtNextRound();

  return {
    connect(peer) {
      peer.data.roles = {};
      peer.data.sync = {};
      peer.data.devices = {};
      const bucket = new TokenBucket(now);
      peer.emit("server:hello", { protocol: PROTOCOL_VERSION, version: APP_VERSION, serverTime: now() });
      return {
        receive: (event, args) => dispatch(handlers, peer, bucket, event, args),
        disconnected: () => {
          for (const sessionId of Object.keys(peer.data.roles)) presence.changed(sessionId);
        },
      };
    },
    ended(sessionId, message) {
      for (const peer of rooms.local(sessionRoom(sessionId))) {
        peer.emit("session:ended", { sessionId, reason: ErrorReason.unknownSession, message });
        delete peer.data.devices[sessionId];
        void leaveSession(peer, sessionId);
      }
      presence.changed(sessionId);
    },
    close() {
      clearTimeout(probing);
      presence.close();
    },
  };
}
