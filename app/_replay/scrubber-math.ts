/**
 * Pure arithmetic for the replay scrubber (no React, no DOM): mapping between
 * track fractions and simulated time, finding the entry tick under a pointer,
 * and laying out key-moment labels in non-overlapping rows.
 *
 * The track spans bounds(timeline) = [start − 60 s pre-roll, end].
 */
import { bounds, clampSim, lowerBound, upperBound, type Timeline } from "@/domain/replay/clock";

/** The scrubber spans the replay's Timeline: start, end, and every entry's time in replay order. */
export type ScrubberTimeline = Pick<Timeline, "start" | "end" | "entryTimes">;

export interface KeyMoment {
  label: string;
  /** Epoch ms. */
  at: number;
}

export interface KeyMomentLabel {
  label: string;
  at: number;
  /** Left edge of the label's box, in px from the track's left edge (kept inside [0, width − widthPx]). */
  leftPx: number;
  /** 0 = the row next to the track; higher rows are further away. */
  row: number;
  /** Where the moment itself sits on the track, in px. */
  anchorPx: number;
  /** Estimated width of the label's box (never more than the track). */
  widthPx: number;
}

/** Horizontal padding added to every label's estimated text width. */
export const LABEL_PADDING_PX = 8;
/** Minimum free space between two labels on the same row. */
export const LABEL_GAP_PX = 4;

function clamp01(x: number): number {
  if (Number.isNaN(x)) return 0;
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** The simulated time at `fraction` (clamped to 0..1) of the track. */
export function timeAtFraction(timeline: ScrubberTimeline, fraction: number): number {
  const { min, max } = bounds(timeline);
  const f = clamp01(fraction);
  if (f === 1) return max;
  return min + f * (max - min);
}

/** Where `ms` sits on the track, as a fraction clamped to 0..1. */
export function fractionOfTime(timeline: ScrubberTimeline, ms: number): number {
  const { min, max } = bounds(timeline);
  if (Number.isNaN(ms)) return 0;
  const span = max - min;
  if (!(span > 0)) return ms >= max ? 1 : 0;
  return clamp01((ms - min) / span);
}

// Binary searches over sorted times: the clock's own.
export { lowerBound, upperBound };

export interface EntryHit {
  /** publishedAt shared by the entries at this tick. */
  at: number;
  /** First replay index at this tick. */
  first: number;
  /** How many entries share the tick (same publishedAt). */
  count: number;
}

/**
 * The entry tick nearest to `ms` if it is within `tolerancePx` of it on a
 * track `widthPx` wide, else null. Two binary searches; no allocation beyond
 * the result.
 */
export function entryNear(
  timeline: ScrubberTimeline,
  ms: number,
  widthPx: number,
  tolerancePx = 6,
): EntryHit | null {
  const times = timeline.entryTimes;
  if (times.length === 0 || !(widthPx > 0) || Number.isNaN(ms)) return null;
  const i = lowerBound(times, ms);
  let at: number;
  if (i >= times.length) at = times[times.length - 1] as number;
  else if (i === 0) at = times[0] as number;
  else {
    const before = times[i - 1] as number;
    const after = times[i] as number;
    at = ms - before <= after - ms ? before : after;
  }
  const distancePx = Math.abs(fractionOfTime(timeline, at) - fractionOfTime(timeline, ms)) * widthPx;
  if (distancePx > tolerancePx) return null;
  const first = lowerBound(times, at);
  return { at, first, count: upperBound(times, at) - first };
}

/** The simulated time `deltaMs` away from `ms`, kept inside the track. */
export function nudge(timeline: ScrubberTimeline, ms: number, deltaMs: number): number {
  return clampSim(timeline, ms + deltaMs);
}

/**
 * Places key-moment labels along a track `widthPx` wide. Each label is a box
 * centred on its moment (estimated at `charPx` per character plus padding,
 * never wider than the track), pushed inwards at the edges so it never
 * overflows, and put on the first row where it does not overlap the previous
 * label of that row. Sorted by time. An empty list when the width is unknown
 * (≤ 0 or not finite).
 */
export function layoutKeyMomentLabels(
  moments: readonly KeyMoment[],
  timeline: ScrubberTimeline,
  widthPx: number,
  charPx = 7,
): KeyMomentLabel[] {
  if (!(widthPx > 0) || !Number.isFinite(widthPx)) return [];
  const sorted = [...moments].sort((a, b) => a.at - b.at);
  const rowEnds: number[] = [];
  return sorted.map(({ label, at }) => {
    const anchorPx = fractionOfTime(timeline, at) * widthPx;
    const width = Math.min(widthPx, [...label].length * charPx + LABEL_PADDING_PX);
    const leftPx = Math.min(Math.max(anchorPx - width / 2, 0), widthPx - width);
    let row = rowEnds.findIndex((end) => end + LABEL_GAP_PX <= leftPx);
    if (row === -1) {
      row = rowEnds.length;
      rowEnds.push(leftPx + width);
    } else {
      rowEnds[row] = leftPx + width;
    }
    return { label, at, leftPx, row, anchorPx, widthPx: width };
  });
}
