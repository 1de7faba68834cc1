"use client";

/**
 * The scrubber's pointer: press, drag, release, Escape, and hover.
 *
 * Dragging is cheap: the track's rect is read once at pointer down, and every
 * move is arithmetic. A press on the track jumps there at once (like a native
 * range input); a press on the thumb becomes a drag after a few px.
 */
import { useCallback, useEffect, useRef, useState, type PointerEvent as ReactPointerEvent, type RefObject } from "react";
import { timeAtFraction, type ScrubberTimeline } from "./scrubber-math";

/** A press on the thumb becomes a drag after this many px of movement. */
const DRAG_THRESHOLD_PX = 3;

interface Gesture {
  pointerId: number;
  /** Track rect, read once at pointer down. */
  left: number;
  width: number;
  startX: number;
  /** Offset of the pointer from the thumb's centre when the thumb was grabbed (0 on the track). */
  grabPx: number;
  /** Whether onPreview has been called (a drag, or any press on the track). */
  active: boolean;
  ms: number;
}

export interface ScrubCallbacks {
  onPreview: (ms: number | null) => void;
  onSeek: (ms: number) => void;
}

interface Refs {
  area: RefObject<HTMLDivElement | null>;
  rail: RefObject<HTMLDivElement | null>;
  thumb: RefObject<HTMLDivElement | null>;
}

export function useScrubGesture(timeline: ScrubberTimeline, refs: Refs, position: { fraction: number; shownMs: number }, callbacks: ScrubCallbacks) {
  const gestureRef = useRef<Gesture | null>(null);
  const hoverRectRef = useRef<{ left: number; width: number } | null>(null);
  const escapeListenerRef = useRef<((event: KeyboardEvent) => void) | null>(null);
  const latest = useRef(callbacks);
  useEffect(() => {
    latest.current = callbacks;
  });
  const [dragMs, setDragMs] = useState<number | null>(null);
  const [hoverMs, setHoverMs] = useState<number | null>(null);

  // The hover rect is cached per pointerenter; scrolling and resizing move the track.
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

  // Whole ms: the bounds are whole ms, so rounding never leaves the track.
  const msAtX = (g: Gesture, clientX: number) => Math.round(timeAtFraction(timeline, g.width > 0 ? (clientX - g.grabPx - g.left) / g.width : 0));

  const finish = (commit: boolean) => {
    const g = gestureRef.current;
    if (!g) return;
    gestureRef.current = null;
    if (escapeListenerRef.current) {
      window.removeEventListener("keydown", escapeListenerRef.current, true);
      escapeListenerRef.current = null;
    }
    const area = refs.area.current;
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
    const rail = refs.rail.current;
    if (!rail) return;
    const rect = rail.getBoundingClientRect();
    const thumb = refs.thumb.current;
    const onThumb = thumb !== null && event.target instanceof Node && thumb.contains(event.target);
    const g: Gesture = {
      pointerId: event.pointerId,
      left: rect.left,
      width: rect.width,
      startX: event.clientX,
      grabPx: onThumb ? event.clientX - (rect.left + position.fraction * rect.width) : 0,
      active: false,
      ms: position.shownMs,
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
      const rail = refs.rail.current;
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

  /** The track was resized: the cached hover rect is stale. */
  const invalidateRect = useCallback(() => {
    hoverRectRef.current = null;
  }, []);

  return {
    dragMs,
    hoverMs,
    invalidateRect,
    handlers: { onPointerDown, onPointerMove, onPointerUp, onPointerCancel, onLostPointerCapture: onPointerCancel, onPointerLeave },
  };
}
