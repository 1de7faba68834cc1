"use client";

/**
 * The replay scrubber: a horizontal track over [start − 60 s pre-roll, end]
 * with a tick for every entry, labelled key moments, a hover tooltip and a
 * draggable, focusable thumb (role="slider").
 *
 * Dragging is cheap: the track's rect is read once at pointer down, and every
 * move is arithmetic plus a binary search over entryTimes. The parent owns the
 * clock: it hears onPreview(ms) while dragging and onSeek(ms) on release.
 *
 * Keys: ←/→ are left to the page (previous/next entry); the slider handles
 * ↑/↓ only (±1 simulated minute, Shift: ±10).
 */
import {
  useEffect,
  useMemo,
  useRef,
  useState,
  type JSX,
  type KeyboardEvent as ReactKeyboardEvent,
  type PointerEvent as ReactPointerEvent,
} from "react";
import { bounds } from "@/domain/replay/clock";
import { clockTime } from "@/domain/time";
import {
  entryNear,
  fractionOfTime,
  layoutKeyMomentLabels,
  nudge,
  timeAtFraction,
  upperBound,
  type KeyMoment,
  type ScrubberTimeline,
} from "./scrubber-math";
import styles from "./scrubber.module.css";

export type { KeyMoment, KeyMomentLabel, ScrubberTimeline, EntryHit } from "./scrubber-math";
export { entryNear, fractionOfTime, layoutKeyMomentLabels, timeAtFraction } from "./scrubber-math";

export interface ScrubberProps {
  timeline: ScrubberTimeline;
  /** Titles of entries in replay order, only for entries already published (index < shownCount); later ones are spoilers. */
  titles: string[];
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
/** A press on the thumb becomes a drag after this many px of movement. */
const DRAG_THRESHOLD_PX = 3;
/** Hover/drag tooltip names an entry when the pointer is this close to its tick. */
const TICK_TOLERANCE_PX = 6;
/** Key seeks within this many wall ms build on the previous target (the server may not have answered yet). */
const KEY_REPEAT_MS = 700;
/** Height of one row of key-moment labels, px (matches .labelRow in the CSS). */
const LABEL_ROW_PX = 22;

interface Gesture {
  pointerId: number;
  /** Track rect, read once at pointer down. */
  left: number;
  width: number;
  startX: number;
  /** Offset of the pointer from the thumb's centre when the thumb was grabbed (0 on the track). */
  grabPx: number;
  onThumb: boolean;
  /** Whether onPreview has been called (a drag, or any press on the track). */
  active: boolean;
  ms: number;
}

function formatClock(ms: number, zone: string): string {
  if (!Number.isFinite(ms)) return "--:--";
  return clockTime(new Date(ms).toISOString(), zone);
}

export function Scrubber(props: ScrubberProps): JSX.Element {
  const { timeline, titles, shownCount, sim, zone, zoneLabel, keyMoments } = props;
  const { min, max } = bounds(timeline);

  const areaRef = useRef<HTMLDivElement | null>(null);
  const railRef = useRef<HTMLDivElement | null>(null);
  const thumbRef = useRef<HTMLDivElement | null>(null);
  const gestureRef = useRef<Gesture | null>(null);
  const hoverRectRef = useRef<{ left: number; width: number } | null>(null);
  const keySeekRef = useRef<{ target: number; wallAt: number } | null>(null);
  const escapeListenerRef = useRef<((event: KeyboardEvent) => void) | null>(null);
  const latest = useRef(props);
  useEffect(() => {
    latest.current = props;
  });

  const [widthPx, setWidthPx] = useState(0);
  const [dragMs, setDragMs] = useState<number | null>(null);
  const [hoverMs, setHoverMs] = useState<number | null>(null);

  // Track width for label layout and tick hit-testing (not read per pointer move).
  useEffect(() => {
    const rail = railRef.current;
    if (!rail) return;
    setWidthPx(rail.clientWidth);
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver((records) => {
      const record = records[records.length - 1];
      if (record) setWidthPx(record.contentRect.width);
      hoverRectRef.current = null;
    });
    observer.observe(rail);
    return () => observer.disconnect();
  }, []);

  // The hover rect is cached per pointerenter; scrolling moves the track.
  useEffect(() => {
    const invalidate = () => {
      hoverRectRef.current = null;
    };
    window.addEventListener("scroll", invalidate, { passive: true, capture: true });
    window.addEventListener("resize", invalidate, { passive: true });
    return () => {
      window.removeEventListener("scroll", invalidate, { capture: true });
      window.removeEventListener("resize", invalidate);
    };
  }, []);

  // If unmounted mid-drag: drop the Escape listener and end the preview.
  useEffect(
    () => () => {
      if (escapeListenerRef.current) window.removeEventListener("keydown", escapeListenerRef.current, true);
      if (gestureRef.current?.active) latest.current.onPreview(null);
      gestureRef.current = null;
    },
    [],
  );

  const safeSim = Number.isFinite(sim) ? Math.min(Math.max(sim, min), max) : min;
  const shownMs = dragMs ?? safeSim;
  const fraction = fractionOfTime(timeline, shownMs);

  // ---------------------------------------------------------------------------------------------
  // Pointer handling

  // Whole ms: the bounds are whole ms, so rounding never leaves the track.
  const msAtX = (g: Gesture, clientX: number) =>
    Math.round(timeAtFraction(timeline, g.width > 0 ? (clientX - g.grabPx - g.left) / g.width : 0));

  const finish = (commit: boolean) => {
    const g = gestureRef.current;
    if (!g) return;
    gestureRef.current = null;
    if (escapeListenerRef.current) {
      window.removeEventListener("keydown", escapeListenerRef.current, true);
      escapeListenerRef.current = null;
    }
    const area = areaRef.current;
    if (area?.hasPointerCapture(g.pointerId)) area.releasePointerCapture(g.pointerId);
    setDragMs(null);
    if (g.active) {
      if (commit) latest.current.onSeek(g.ms);
      latest.current.onPreview(null);
    }
  };

  const onPointerDown = (event: ReactPointerEvent<HTMLDivElement>) => {
    if (gestureRef.current) return; // a second finger: ignore
    if (event.pointerType === "mouse" && event.button !== 0) return;
    const rail = railRef.current;
    if (!rail) return;
    const rect = rail.getBoundingClientRect();
    const thumb = thumbRef.current;
    const onThumb = thumb !== null && event.target instanceof Node && thumb.contains(event.target);
    const g: Gesture = {
      pointerId: event.pointerId,
      left: rect.left,
      width: rect.width,
      startX: event.clientX,
      grabPx: onThumb ? event.clientX - (rect.left + fraction * rect.width) : 0,
      onThumb,
      active: false,
      ms: shownMs,
    };
    gestureRef.current = g;
    hoverRectRef.current = { left: rect.left, width: rect.width };
    event.currentTarget.setPointerCapture(event.pointerId);
    event.preventDefault(); // no text selection; focus is moved explicitly below
    thumb?.focus({ preventScroll: true });

    const onKey = (keyEvent: KeyboardEvent) => {
      if (keyEvent.key !== "Escape" || !gestureRef.current) return;
      keyEvent.preventDefault();
      keyEvent.stopPropagation();
      finish(false);
    };
    escapeListenerRef.current = onKey;
    window.addEventListener("keydown", onKey, true);

    if (!onThumb) {
      // A press on the track jumps there at once (like a native range input).
      g.active = true;
      g.ms = msAtX(g, event.clientX);
      setDragMs(g.ms);
      setHoverMs(null);
      latest.current.onPreview(g.ms);
    }
  };

  const onPointerMove = (event: ReactPointerEvent<HTMLDivElement>) => {
    const g = gestureRef.current;
    if (g) {
      if (event.pointerId !== g.pointerId) return;
      if (!g.active && Math.abs(event.clientX - g.startX) < DRAG_THRESHOLD_PX) return;
      const ms = msAtX(g, event.clientX);
      const first = !g.active;
      g.active = true;
      if (ms === g.ms && !first) return;
      g.ms = ms;
      setDragMs(ms);
      if (first) setHoverMs(null);
      latest.current.onPreview(ms);
      return;
    }
    // Hover: a pointer that can hover, with no button pressed.
    if (event.pointerType === "touch" || event.buttons !== 0) return;
    let rect = hoverRectRef.current;
    if (!rect) {
      const rail = railRef.current;
      if (!rail) return;
      const r = rail.getBoundingClientRect();
      rect = hoverRectRef.current = { left: r.left, width: r.width };
    }
    setHoverMs(timeAtFraction(timeline, rect.width > 0 ? (event.clientX - rect.left) / rect.width : 0));
  };

  const onPointerUp = (event: ReactPointerEvent<HTMLDivElement>) => {
    if (gestureRef.current?.pointerId === event.pointerId) finish(true);
  };

  const onPointerCancel = (event: ReactPointerEvent<HTMLDivElement>) => {
    if (gestureRef.current?.pointerId === event.pointerId) finish(false);
  };

  const onPointerLeave = () => {
    hoverRectRef.current = null;
    setHoverMs(null);
  };

  // ---------------------------------------------------------------------------------------------
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

  // ---------------------------------------------------------------------------------------------
  // Rendering

  const total = timeline.entryTimes.length;
  const ticks = useMemo(
    () =>
      timeline.entryTimes.map((at, index) => (
        <span
          key={index}
          className={index < shownCount ? `${styles.tick} ${styles.tickShown}` : styles.tick}
          style={{ left: `${fractionOfTime(timeline, at) * 100}%` }}
        />
      )),
    [timeline, shownCount],
  );

  const labels = useMemo(() => layoutKeyMomentLabels(keyMoments, timeline, widthPx), [keyMoments, timeline, widthPx]);
  const labelRows = labels.reduce((rows, label) => Math.max(rows, label.row + 1), keyMoments.length > 0 ? 1 : 0);

  const momentMarks = useMemo(
    () =>
      keyMoments.map((moment, index) => (
        <span key={index} className={styles.momentMark} style={{ left: `${fractionOfTime(timeline, moment.at) * 100}%` }} />
      )),
    [keyMoments, timeline],
  );

  const tipMs = dragMs ?? hoverMs;
  let tooltip: JSX.Element | null = null;
  if (tipMs !== null) {
    const tipFraction = fractionOfTime(timeline, tipMs);
    const hit = entryNear(timeline, tipMs, widthPx, TICK_TOLERANCE_PX);
    let entryLine: string | null = null;
    if (hit) {
      const published = hit.first < shownCount;
      const title = published ? titles[hit.first] : undefined;
      const more = hit.count > 1 ? ` (+${hit.count - 1} more)` : "";
      entryLine = published
        ? `${formatClock(hit.at, zone)} · ${title && title.trim() !== "" ? title : "An update"}${more}`
        : `${formatClock(hit.at, zone)} · An update (not yet published)`;
    }
    tooltip = (
      <div
        className={styles.tooltip}
        aria-hidden="true"
        style={{ left: `${tipFraction * 100}%`, transform: `translateX(${-tipFraction * 100}%)` }}
      >
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
      <div
        ref={areaRef}
        className={dragMs === null ? styles.area : `${styles.area} ${styles.dragging}`}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerCancel}
        onLostPointerCapture={onPointerCancel}
        onPointerLeave={onPointerLeave}
      >
        <div ref={railRef} className={styles.rail}>
          <div className={styles.groove}>
            <div className={styles.fill} style={{ transform: `scaleX(${fraction})` }} />
          </div>
          {ticks}
          {momentMarks}
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
      {labelRows > 0 && (
        <div className={styles.labels} style={{ height: labelRows * LABEL_ROW_PX }}>
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
      )}
    </div>
  );
}
