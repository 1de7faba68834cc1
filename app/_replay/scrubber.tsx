"use client";

/**
 * The replay scrubber: a horizontal track over [start − 60 s pre-roll, end]
 * with a tick for every entry, labelled key moments, a hover tooltip and a
 * draggable, focusable thumb (role="slider").
 *
 * It renders every frame while the replay moves (it and the big clock are
 * the only parts that do), so what does not move is memoised: the ticks, the
 * key moments and their labels. The pointer is use-scrub-gesture.ts. The
 * parent owns the clock: it hears onPreview(ms) while dragging and onSeek(ms)
 * on release.
 *
 * Keys: ←/→ are left to the page (previous/next entry); the slider handles
 * ↑/↓ only (±1 simulated minute, Shift: ±10).
 */
import { memo, useEffect, useMemo, useRef, useState, type JSX, type KeyboardEvent as ReactKeyboardEvent } from "react";
import type { ProtocolEntry } from "@/domain/protocol";
import { bounds, entriesShownAt } from "@/domain/replay/clock";
import { wallClock, zoneLabel } from "@/domain/time";
import type { ReplayFeed } from "./feed";
import { useRenderCount } from "./render-count";
import { entryNear, fractionOfTime, layoutKeyMomentLabels, nudge, upperBound, type KeyMoment, type ScrubberTimeline } from "./scrubber-math";
import styles from "./scrubber.module.css";
import { useSimValue, type SimClock } from "./sim-clock";
import { useScrubGesture } from "./use-scrub-gesture";

export type { KeyMoment, KeyMomentLabel, ScrubberTimeline, EntryHit } from "./scrubber-math";
export { entryNear, fractionOfTime, layoutKeyMomentLabels, timeAtFraction } from "./scrubber-math";

export interface ScrubberProps {
  timeline: ScrubberTimeline;
  /** Entries in replay order; only the titles of those already published (index < shownCount) are shown: later ones are spoilers. */
  entries: ReadonlyArray<Pick<ProtocolEntry, "title">>;
  shownCount: number;
  /** Current simulated time (epoch ms), updated every frame by the parent. */
  sim: number;
  /** Zone to print times in, e.g. "Europe/Helsinki". */
  zone: string;
  /** e.g. "Helsinki". */
  zoneLabel: string;
  keyMoments: KeyMoment[];
  /** While dragging: the time under the pointer (null when the drag ends or is cancelled). */
  onPreview: (ms: number | null) => void;
  /** On release (pointer up), a click on the track, a key-moment label, or ↑/↓. */
  onSeek: (ms: number) => void;
}

const MINUTE = 60_000;
/** Hover/drag tooltip names an entry when the pointer is this close to its tick. */
const TICK_TOLERANCE_PX = 6;
/** Key seeks within this many wall ms build on the previous target (the server may not have answered yet). */
const KEY_REPEAT_MS = 700;
/** Height of one row of key-moment labels, px (matches .labelRow in the CSS). */
const LABEL_ROW_PX = 22;

function formatClock(ms: number, zone: string): string {
  if (!Number.isFinite(ms)) return "--:--";
  return wallClock(ms, zone, false);
}

export function Scrubber(props: ScrubberProps): JSX.Element {
  useRenderCount("scrubber");
  const { timeline, entries, shownCount, sim, zone, zoneLabel, keyMoments } = props;
  const { min, max } = bounds(timeline);

  const areaRef = useRef<HTMLDivElement | null>(null);
  const railRef = useRef<HTMLDivElement | null>(null);
  const thumbRef = useRef<HTMLDivElement | null>(null);
  const keySeekRef = useRef<{ target: number; wallAt: number } | null>(null);
  const [widthPx, setWidthPx] = useState(0);

  const safeSim = Number.isFinite(sim) ? Math.min(Math.max(sim, min), max) : min;
  const gesture = useScrubGesture(timeline, { area: areaRef, rail: railRef, thumb: thumbRef }, { fraction: fractionOfTime(timeline, safeSim), shownMs: safeSim }, props);
  const { dragMs, hoverMs } = gesture;
  const shownMs = dragMs ?? safeSim;
  const fraction = fractionOfTime(timeline, shownMs);

  // Track width for label layout and tick hit-testing (not read per pointer move).
  const invalidateRect = gesture.invalidateRect;
  useEffect(() => {
    const rail = railRef.current;
    if (!rail) return;
    setWidthPx(rail.clientWidth);
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver((records) => {
      const record = records[records.length - 1];
      if (record) setWidthPx(record.contentRect.width);
      invalidateRect();
    });
    observer.observe(rail);
    return () => observer.disconnect();
  }, [invalidateRect]);

  // Keyboard: ↑/↓ only; everything else goes on to the page's shortcuts.
  const onKeyDown = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    event.stopPropagation();
    const now = performance.now();
    const previous = keySeekRef.current;
    const base = previous && now - previous.wallAt < KEY_REPEAT_MS ? previous.target : safeSim;
    const delta = (event.key === "ArrowUp" ? 1 : -1) * (event.shiftKey ? 10 : 1) * MINUTE;
    const target = nudge(timeline, base, delta);
    keySeekRef.current = { target, wallAt: now };
    props.onSeek(target);
  };

  const total = timeline.entryTimes.length;
  const tipMs = dragMs ?? hoverMs;
  let tooltip: JSX.Element | null = null;
  if (tipMs !== null) {
    const tipFraction = fractionOfTime(timeline, tipMs);
    const hit = entryNear(timeline, tipMs, widthPx, TICK_TOLERANCE_PX);
    let entryLine: string | null = null;
    if (hit) {
      const published = hit.first < shownCount;
      const title = published ? entries[hit.first]?.title : undefined;
      const more = hit.count > 1 ? ` (+${hit.count - 1} more)` : "";
      entryLine = published
        ? `${formatClock(hit.at, zone)} · ${title && title.trim() !== "" ? title : "An update"}${more}`
        : `${formatClock(hit.at, zone)} · An update (not yet published)`;
    }
    tooltip = (
      <div className={styles.tooltip} aria-hidden="true" style={{ left: `${tipFraction * 100}%`, transform: `translateX(${-tipFraction * 100}%)` }}>
        <span className={styles.tipTime}>
          {formatClock(tipMs, zone)} {zoneLabel}
        </span>
        {entryLine && <span className={styles.tipEntry}>{entryLine}</span>}
      </div>
    );
  }

  const valueCount = dragMs === null ? shownCount : upperBound(timeline.entryTimes, dragMs);
  const valueText = `${formatClock(shownMs, zone)} ${zoneLabel}, ${valueCount} of ${total} update${total === 1 ? "" : "s"} published`;

  return (
    <div className={styles.root} data-testid="scrubber">
      <div ref={areaRef} className={dragMs === null ? styles.area : `${styles.area} ${styles.dragging}`} {...gesture.handlers}>
        <div ref={railRef} className={styles.rail}>
          <div className={styles.groove}>
            <div className={styles.fill} style={{ transform: `scaleX(${fraction})` }} />
          </div>
          <Ticks timeline={timeline} shownCount={shownCount} />
          <MomentMarks timeline={timeline} keyMoments={keyMoments} />
          <div
            ref={thumbRef}
            className={styles.thumb}
            style={{ left: `${fraction * 100}%` }}
            role="slider"
            tabIndex={0}
            aria-label="Replay position"
            aria-orientation="horizontal"
            aria-valuemin={min}
            aria-valuemax={max}
            aria-valuenow={Math.round(shownMs)}
            aria-valuetext={valueText}
            onKeyDown={onKeyDown}
          />
          {tooltip}
        </div>
      </div>
      <MomentLabels timeline={timeline} keyMoments={keyMoments} widthPx={widthPx} zone={zone} zoneLabel={zoneLabel} onSeek={props.onSeek} />
    </div>
  );
}

/** Ticks are drawn in this many units across; the SVG stretches them to the track. */
const TICK_UNITS = 10_000;

/**
 * A tick per entry, drawn as two SVG paths (published, and not yet) rather
 * than an element each: 10,000 elements made every drag step's style and
 * layout slow. Rebuilt only when one more entry is published.
 */
const Ticks = memo(function Ticks({ timeline, shownCount }: { timeline: ScrubberTimeline; shownCount: number }) {
  const [shown, later] = useMemo(() => {
    const path = (times: number[]) => times.map((at) => `M${(fractionOfTime(timeline, at) * TICK_UNITS).toFixed(1)} 0V14`).join("");
    return [path(timeline.entryTimes.slice(0, shownCount)), path(timeline.entryTimes.slice(shownCount))];
  }, [timeline, shownCount]);
  return (
    <svg className={styles.ticks} viewBox={`0 0 ${TICK_UNITS} 14`} preserveAspectRatio="none" aria-hidden="true" focusable="false">
      {later && <path className={styles.tickPath} d={later} />}
      {shown && <path className={`${styles.tickPath} ${styles.tickShown}`} d={shown} />}
    </svg>
  );
});

const MomentMarks = memo(function MomentMarks({ timeline, keyMoments }: { timeline: ScrubberTimeline; keyMoments: KeyMoment[] }) {
  return keyMoments.map((moment, index) => <span key={index} className={styles.momentMark} style={{ left: `${fractionOfTime(timeline, moment.at) * 100}%` }} />);
});

/** The key moments' names under the track, in rows so they never overlap; each jumps there. */
const MomentLabels = memo(function MomentLabels(props: {
  timeline: ScrubberTimeline;
  keyMoments: KeyMoment[];
  widthPx: number;
  zone: string;
  zoneLabel: string;
  onSeek: (ms: number) => void;
}) {
  const { timeline, keyMoments, widthPx, zone, zoneLabel } = props;
  const labels = useMemo(() => layoutKeyMomentLabels(keyMoments, timeline, widthPx), [keyMoments, timeline, widthPx]);
  const rows = labels.reduce((count, label) => Math.max(count, label.row + 1), keyMoments.length > 0 ? 1 : 0);
  if (rows === 0) return null;
  const { min, max } = bounds(timeline);
  return (
    <div className={styles.labels} style={{ height: rows * LABEL_ROW_PX }}>
      {labels.map((label, index) => (
        <button
          key={`${index}-${label.at}`}
          type="button"
          className={styles.label}
          style={{ left: label.leftPx, top: label.row * LABEL_ROW_PX, width: label.widthPx }}
          title={`${label.label} · ${formatClock(label.at, zone)} ${zoneLabel}`}
          aria-label={`Jump to ${label.label}, ${formatClock(label.at, zone)} ${zoneLabel}`}
          onClick={() => props.onSeek(Math.min(Math.max(label.at, min), max))}
        >
          {label.label}
        </button>
      ))}
    </div>
  );
});

/**
 * The scrubber on a session's clock: it renders each frame the time moves;
 * the titles it may show change only when an entry is published.
 */
export function SessionScrubber(props: {
  feed: ReplayFeed;
  timeline: ScrubberTimeline;
  entries: ProtocolEntry[];
  clock: SimClock;
  onPreview: (ms: number | null) => void;
  onSeek: (ms: number) => void;
  className?: string | undefined;
}) {
  const { feed, timeline, clock } = props;
  const sim = useSimValue(clock, (c) => c.shown);
  const shownCount = useSimValue(clock, (c) => (c.sim === undefined ? 0 : entriesShownAt(timeline, c.sim)));
  if (sim === undefined) return null;
  return (
    <div className={props.className}>
      <Scrubber
        timeline={timeline}
        entries={props.entries}
        shownCount={shownCount}
        sim={sim}
        zone={feed.eventZone}
        zoneLabel={zoneLabel(feed.eventZone)}
        keyMoments={feed.keyMoments}
        onPreview={props.onPreview}
        onSeek={props.onSeek}
      />
    </div>
  );
}
