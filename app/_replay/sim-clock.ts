"use client";

/**
 * Simulated time as a tiny external store, fed by one animation-frame loop.
 *
 * React state would re-render the whole view on every frame. Here a component
 * subscribes to a value *derived* from the time (the second on the big clock,
 * the count of entries shown, the last card unlock) and renders only when that
 * value changes: the clock readout and the scrubber every frame, the list when
 * an entry falls due, the cards when one unlocks.
 */
import { useSyncExternalStore } from "react";
import type { ClockState } from "@/domain/replay/clock";

export interface SimReading {
  /** Simulated time shown now (the live or private clock), undefined until a session is held. */
  sim: number | undefined;
  /** The clock in force now: it changes when a command takes effect, not only when a state arrives. */
  clock: ClockState | undefined;
  /** The clock the controls act on (ReplayClient.controlClock): a presenter's newest, before it takes effect. */
  controls: ClockState | undefined;
}

export class SimClock {
  private reading: SimReading = { sim: undefined, clock: undefined, controls: undefined };
  /** The time under the scrubber while it is dragged. */
  private previewMs: number | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(private read: () => SimReading) {}

  /** Where the time comes from: the session's client, once there is one. */
  setSource(read: () => SimReading): void {
    this.read = read;
    this.tick();
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  get sim(): number | undefined {
    return this.reading.sim;
  }

  get clock(): ClockState | undefined {
    return this.reading.clock;
  }

  get controls(): ClockState | undefined {
    return this.reading.controls;
  }

  get preview(): number | null {
    return this.previewMs;
  }

  /** What the clock readout and the list show: the dragged time while previewing, else the simulated time. */
  get shown(): number | undefined {
    return this.previewMs ?? this.reading.sim;
  }

  /** Reads the time again and tells subscribers if it moved. Run every frame, and at once on every session event. */
  tick(): void {
    const next = this.read();
    if (next.sim === this.reading.sim && next.clock === this.reading.clock && next.controls === this.reading.controls) return;
    this.reading = next;
    this.emit();
  }

  setPreview(ms: number | null): void {
    if (ms === this.previewMs) return;
    this.previewMs = ms;
    this.emit();
  }

  /** One requestAnimationFrame loop for the whole view; returns its stop. */
  run(): () => void {
    let frame = 0;
    const loop = () => {
      this.tick();
      frame = requestAnimationFrame(loop);
    };
    frame = requestAnimationFrame(loop);
    return () => cancelAnimationFrame(frame);
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

/**
 * A value derived from the clock, re-rendering the caller only when it changes
 * (compared with Object.is: derive numbers, strings or stable objects). `select`
 * runs every frame, so it must be cheap: arithmetic or a binary search.
 */
export function useSimValue<T>(clock: SimClock, select: (clock: SimClock) => T): T {
  const snapshot = () => select(clock);
  return useSyncExternalStore(clock.subscribe, snapshot, snapshot);
}
