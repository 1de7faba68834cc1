/**
 * What a session's change or new entries sound like to its rooms. Presenters
 * see their upcoming pause points; followers must not (they would spoil
 * "What happens next?"). Only this process's peers: other processes hear of
 * the change through their own session manager (SessionManager.publish).
 */
import type { Snapshot } from "../../../domain/protocol";
import type { LocalBroadcast } from "../live-session";
import { presenterRoom, sessionRoom, type Rooms } from "./transport";

/**
 * A snapshot as a follower may see it: without the presenter's upcoming
 * pause points (`markedEntryKeys`), which would spoil "What happens next?".
 * The pause mode stays: followers learn a stop from the clock's `stopAt`.
 */
export function forFollowers(snapshot: Snapshot): Snapshot {
  return { ...snapshot, settings: { ...snapshot.settings, markedEntryKeys: [] } };
}

export function snapshotFor(role: "presenter" | "follower", snapshot: Snapshot): Snapshot {
  return role === "presenter" ? snapshot : forFollowers(snapshot);
}

/** The session manager's broadcast, over this process's rooms. */
export function localBroadcast(rooms: Rooms): LocalBroadcast {
  return {
    state: (session, snapshot) => {
      rooms.emit({ rooms: presenterRoom(session.id), localOnly: true }, "session:state", snapshot);
      rooms.emit({ rooms: sessionRoom(session.id), except: presenterRoom(session.id), localOnly: true }, "session:state", forFollowers(snapshot));
    },
    entries: (session, { from, to, entries }) =>
      rooms.emit({ rooms: sessionRoom(session.id), localOnly: true }, "session:entries", {
        sessionId: session.id,
        revision: session.state.clock.revision,
        from,
        to,
        entries,
      }),
  };
}
