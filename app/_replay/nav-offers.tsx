"use client";

/**
 * Ways back: after a big jump, "Back to 14:05" for a few seconds; and for a
 * solo viewer who came back to a feed, where it resumed, with "Start over".
 * Renders on a big jump only, never because time passes.
 */
import { useEffect, useState } from "react";
import type { Command } from "@/domain/protocol";
import { bounds, type Timeline } from "@/domain/replay/clock";
import { wallClock, zoneLabel } from "@/domain/time";
import { forgetLeftAt } from "./resume";
import type { SimClock } from "./sim-clock";
import button from "../button.module.css";
import styles from "./replay-view.module.css";

/** A move of the simulated time bigger than this in one step is a jump (600× playing moves 10 s a frame). */
export const BIG_JUMP_MS = 10 * 60_000;
/** How long "Back to …" is offered. */
const OFFER_MS = 8000;

interface Props {
  slug: string;
  zone: string;
  clock: SimClock;
  timeline: Timeline | undefined;
  send: (command: Command) => Promise<boolean>;
  resumedAt: number | undefined;
}

export function NavOffers({ slug, zone, clock, timeline, send, resumedAt }: Props) {
  const backTo = useBackTo(clock);
  const [resumed, setResumed] = useState(resumedAt);
  useEffect(() => setResumed(resumedAt), [resumedAt]);

  if (backTo === undefined && resumed === undefined) return null;
  return (
    <p className={styles.offers} role="status" data-testid="nav-offers">
      {resumed !== undefined && timeline && (
        <span>
          Resumed where you left, at {wallClock(resumed, zone, false)} {zoneLabel(zone)}.{" "}
          <button
            type="button"
            className={button.button}
            onClick={() => {
              forgetLeftAt(slug);
              setResumed(undefined);
              void send({ type: "seek", to: bounds(timeline).min });
            }}
          >
            Start over
          </button>
        </span>
      )}
      {backTo !== undefined && (
        <button type="button" className={button.button} onClick={() => void send({ type: "seek", to: backTo })} data-testid="back-to">
          Back to {wallClock(backTo, zone, false)}
        </button>
      )}
    </p>
  );
}

/** Where the time was before the last big jump, for a few seconds after it. */
function useBackTo(clock: SimClock): number | undefined {
  const [from, setFrom] = useState<number | undefined>();
  useEffect(() => {
    let last = clock.sim;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = clock.subscribe(() => {
      const sim = clock.sim;
      if (last !== undefined && sim !== undefined && Math.abs(sim - last) > BIG_JUMP_MS) {
        const before = last;
        setFrom(before);
        clearTimeout(timer);
        timer = setTimeout(() => setFrom(undefined), OFFER_MS);
      }
      last = sim;
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [clock]);
  return from;
}
