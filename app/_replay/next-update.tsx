"use client";

/**
 * "Next update in 12:40 · 0:01 at 600×": when the next entry falls due, in
 * simulated time and in wall time at the current speed (quiet stretches
 * skipped included). Never its headline. Re-rendered when the text changes,
 * like the clock readout: at most once a second of either time.
 */
import { getWarp, upperBound, type ClockState, type Timeline } from "@/domain/replay/clock";
import { formatRate } from "./format";
import { useSimValue, type SimClock } from "./sim-clock";
import styles from "./clock-bar.module.css";

/** The line's text at `shown` on `clock`, or "" before the session is held. */
export function nextUpdateText(timeline: Timeline | undefined, shown: number | undefined, clock: ClockState | undefined): string {
  if (!timeline || shown === undefined || !clock) return "";
  const next = timeline.entryTimes[upperBound(timeline.entryTimes, shown)];
  if (next === undefined) return "No more updates: this is the end of the coverage";
  const simMs = next - shown;
  const warp = getWarp(timeline, clock.rate, clock.idleLimitMs);
  const wallMs = warp.wallOf(next) - warp.wallOf(shown);
  const wall = clock.playing ? `${duration(wallMs)} at ${formatRate(clock.rate)}` : "paused";
  return `Next update in ${duration(simMs)} · ${wall}`;
}

/** "0:07", "12:40", "1:02:40": whole seconds, rounded up (a countdown never says 0:00 early). */
export function duration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

export function NextUpdate({ clock, timeline }: { clock: SimClock; timeline: Timeline | undefined }) {
  const text = useSimValue(clock, (c) => nextUpdateText(timeline, c.shown, c.clock));
  return text ? (
    <span className={styles.next} data-testid="next-update">
      {text}
    </span>
  ) : null;
}
