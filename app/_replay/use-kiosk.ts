"use client";

/**
 * An exhibition screen (?kiosk=1) runs by itself: it plays at the link's
 * speed (session-start.ts), rests at the end and then plays again from the
 * start, and comes back by itself from a network drop or a server restart:
 * the client rejoins on reconnect; a session that could not be kept is
 * started afresh by reloading once the server answers again.
 */
import { useEffect } from "react";
import type { Command } from "@/domain/protocol";
import { bounds, type Timeline } from "@/domain/replay/clock";
import { useSimValue, type SimClock } from "./sim-clock";

/** How long the end stays on screen before the replay starts again. */
export const KIOSK_REST_MS = 8000;
/** How often a kiosk whose session was lost asks whether the server is back. */
const HEALTH_EVERY_MS = 2000;

export function useKiosk(on: boolean, clock: SimClock, timeline: Timeline | undefined, send: (command: Command) => Promise<boolean>, error: string | undefined): void {
  // Stopped: at the end (the server stops there) or for any other reason; either way it plays on after a rest.
  const stopped = useSimValue(clock, (c) => (c.clock ? !c.clock.playing : false));
  useEffect(() => {
    if (!on || !stopped || !timeline) return;
    const timer = setTimeout(() => {
      const atEnd = (clock.sim ?? 0) >= timeline.end;
      void (atEnd ? send({ type: "seek", to: bounds(timeline).min }) : Promise.resolve(true)).then((ok) => ok && send({ type: "play" }));
    }, KIOSK_REST_MS);
    return () => clearTimeout(timer);
  }, [on, stopped, timeline, clock, send]);

  useEffect(() => {
    if (!on || error === undefined) return;
    let done = false;
    const timer = setInterval(() => {
      void fetch("/api/health", { cache: "no-store" })
        .then((response) => {
          if (response.ok && !done) {
            done = true;
            window.location.reload();
          }
        })
        .catch(() => undefined);
    }, HEALTH_EVERY_MS);
    return () => clearInterval(timer);
  }, [on, error]);
}
