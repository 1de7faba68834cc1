"use client";

/**
 * When the projector shows its lobby (lobby.tsx), and the count it shows.
 *
 * The projector before the class starts: how to join, large, and how many
 * have joined. Shown while the lobby rule holds (useLobby): the session's
 * clock is paused, no update is published yet at the time it shows, and this
 * screen has not seen it play. So a new session from the library (paused
 * before the first update) opens as a lobby, the first Play ends it, and a
 * session started in the middle of the coverage shows its replay at once.
 * A class rewound before its first update and paused does not fall back to
 * the lobby on this screen (it does after a reload: the rule is the
 * session's state, and a paused clock before any update has nothing else to show).
 */
import { useEffect, useState } from "react";
import type { ReplayClient } from "@/client/replay-client";
import { useSimValue, type SimClock } from "./sim-clock";

/**
 * Students' devices following the session (projectors not counted), from the server's
 * `session:audience` event `{ sessionId, followers }`; undefined until the first one.
 */
export function useAudience(client: ReplayClient | undefined, sessionId: string | undefined): number | undefined {
  const [followers, setFollowers] = useState<{ sessionId: string; count: number } | undefined>();
  useEffect(() => {
    if (!client || !sessionId) return;
    const onAudience = (payload: unknown) => {
      if (isAudienceOf(payload, sessionId)) setFollowers({ sessionId, count: payload.followers });
    };
    client.socket.on("session:audience", onAudience);
    return () => void client.socket.off("session:audience", onAudience);
  }, [client, sessionId]);
  return followers?.sessionId === sessionId ? followers?.count : undefined;
}

/** The one event the page reads off the socket itself: checked by hand, so the browser needs no schema library. */
function isAudienceOf(payload: unknown, sessionId: string): payload is { sessionId: string; followers: number } {
  if (typeof payload !== "object" || payload === null) return false;
  const { sessionId: id, followers } = payload as Record<string, unknown>;
  return id === sessionId && Number.isInteger(followers) && (followers as number) >= 0;
}

/** Whether the projector shows the lobby (see the rule above). */
export function useLobby(active: boolean, clock: SimClock, shownCount: number): boolean {
  const playing = useSimValue(clock, (c) => (c.clock ? c.clock.playing : undefined));
  const [played, setPlayed] = useState(false);
  if (playing && !played) setPlayed(true);
  return active && playing === false && !played && shownCount === 0;
}
