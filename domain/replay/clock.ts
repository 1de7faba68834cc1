/**
 * The replay clock, as pure functions over data: the clock is a record the server sends, not a timer anyone runs.
 *
 * A ClockState is a small record that the server broadcasts; the simulated time is a closed-form
 * function of that record, the feed's Timeline and the server's time. Nothing here reads the
 * system clock or keeps timers: every instant is an argument (epoch ms, possibly fractional).
 *
 * Precision note: epoch milliseconds around 2018 are ~1.5e12, where a float64 step is ~2.4e-4 ms.
 * Server instants returned by `serverTimeOfSim` are rounded *up* to the first representable
 * instant at which the clock has reached the requested simulated time, so that a timer firing at
 * that instant always sees the entry (or the stop point). Round trips are therefore exact to
 * within a few float steps of the server time multiplied by the clock's speed (≤ ~1 ms at 3600×).
 */

export const RATE_MIN = 0.1;
export const RATE_MAX = 3600;
export const RATE_PRESETS = [1, 2, 5, 10, 30, 60, 120, 600] as const;
/** The replay may start 1 minute (simulated) before the first entry. */
export const PRE_ROLL_MS = 60_000;

/** Everything a client needs to compute simulated time. Identical on server and clients. */
export interface ClockState {
  playing: boolean;
  /** Simulated ms per wall ms. */
  rate: number;
  /** Simulated epoch ms at the anchor. */
  simAtAnchor: number;
  /** Server epoch ms at which this state takes effect. */
  serverTimeAtAnchor: number;
  /** Bumped by every re-anchor. */
  revision: number;
  /** Idle-gap mode: quiet stretches longer than this (wall ms) pass in exactly this long; null = off. */
  idleLimitMs: number | null;
  /** Simulated ms at which playback stops by itself (pause point or end), or null. */
  stopAt: number | null;
}

/**
 * The feed's shape as the clock needs it. Treated as immutable: the idle-gap warp is memoised per
 * Timeline object, so build a new object rather than mutating one.
 */
export interface Timeline {
  /** Coverage start (first entry), epoch ms. */
  start: number;
  /** Coverage end (last entry), epoch ms. */
  end: number;
  /** publishedAt of every entry in replay order (ascending, may repeat). */
  entryTimes: number[];
}

export interface TransitionOptions {
  /** Simulated instants where playback stops by itself ("pause on entry"). Any order. */
  pausePoints: readonly number[];
}

// ---------------------------------------------------------------------------------------------
// Bounds and cursor

export function bounds(t: Timeline): { min: number; max: number } {
  return { min: t.start - PRE_ROLL_MS, max: t.end };
}

export function clampSim(t: Timeline, ms: number): number {
  const { min, max } = bounds(t);
  if (ms < min) return min;
  if (ms > max) return max;
  return ms;
}

/** Index of the first element of the sorted `xs` that is > x (i.e. how many are <= x). */
export function upperBound(xs: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((xs[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element of the sorted `xs` that is >= x (i.e. how many are < x). */
export function lowerBound(xs: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((xs[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many entries (a prefix of replay order) have publishedAt <= sim: the replay cursor. */
export function entriesShownAt(t: Timeline, sim: number): number {
  return upperBound(t.entryTimes, sim);
}

// ---------------------------------------------------------------------------------------------
// Idle-gap warp

/**
 * A monotone piecewise-linear map between simulated time and "wall offset" (wall ms since
 * bounds.min was passed at the given rate). Outside the knots, time runs at the normal rate.
 */
export interface Warp {
  readonly rate: number;
  readonly idleLimitMs: number | null;
  /** Wall offset (ms) at which the simulated instant `sim` is reached; wallOf(bounds.min) = 0. */
  wallOf(sim: number): number;
  /** Inverse of wallOf. */
  simOf(wall: number): number;
}

let warpBuildCount = 0;

/** How many warps have been built so far (lets tests check the memoisation). */
export function warpBuilds(): number {
  return warpBuildCount;
}

/**
 * Builds the idle-gap warp for a timeline at a rate. Knots are bounds.min, start and every distinct
 * entry time; each stretch between knots whose wall duration at `rate` exceeds idleLimitMs passes
 * in exactly idleLimitMs. O(n) to build, O(log n) per call.
 */
export function createWarp(t: Timeline, rate: number, idleLimitMs: number | null): Warp {
  warpBuildCount++;
  const origin = bounds(t).min;
  if (idleLimitMs === null) {
    return {
      rate,
      idleLimitMs,
      wallOf: (sim) => (sim - origin) / rate,
      simOf: (wall) => origin + wall * rate,
    };
  }

  // Sorted distinct knots (entryTimes is ascending by contract; sort defensively if not).
  let times: readonly number[] = t.entryTimes;
  for (let i = 1; i < times.length; i++) {
    if ((times[i] as number) < (times[i - 1] as number)) {
      times = [...times].sort((a, b) => a - b);
      break;
    }
  }
  const raw: number[] = [];
  const pushSorted = (x: number) => {
    if (!Number.isFinite(x)) return;
    raw.push(x);
  };
  pushSorted(origin);
  pushSorted(t.start);
  for (const x of times) pushSorted(x);
  raw.sort((a, b) => a - b);
  const knotList: number[] = [];
  for (const x of raw) {
    if (x < origin) continue; // before the replay can start: irrelevant
    if (knotList.length === 0 || x > (knotList[knotList.length - 1] as number)) knotList.push(x);
  }

  const n = knotList.length;
  const knots = Float64Array.from(knotList);
  const walls = new Float64Array(n); // prefix sums: wall offset at each knot
  const compressed = new Uint8Array(Math.max(0, n - 1));
  for (let i = 0; i + 1 < n; i++) {
    const gap = (knots[i + 1] as number) - (knots[i] as number);
    const normal = gap / rate;
    const squeeze = normal > idleLimitMs;
    compressed[i] = squeeze ? 1 : 0;
    walls[i + 1] = (walls[i] as number) + (squeeze ? idleLimitMs : normal);
  }
  const firstKnot = knots[0] as number;
  const lastKnot = knots[n - 1] as number;
  const lastWall = walls[n - 1] as number;

  return {
    rate,
    idleLimitMs,
    wallOf(sim: number): number {
      if (sim <= firstKnot) return (sim - firstKnot) / rate;
      if (sim >= lastKnot) return lastWall + (sim - lastKnot) / rate;
      const i = upperBound(knots, sim) - 1; // knots[i] <= sim < knots[i+1]
      const k0 = knots[i] as number;
      const w0 = walls[i] as number;
      if (compressed[i] === 1) {
        const gap = (knots[i + 1] as number) - k0;
        return w0 + ((sim - k0) * idleLimitMs) / gap;
      }
      return w0 + (sim - k0) / rate;
    },
    simOf(wall: number): number {
      if (wall <= 0) return firstKnot + wall * rate;
      if (wall >= lastWall) return lastKnot + (wall - lastWall) * rate;
      const i = upperBound(walls, wall) - 1; // walls[i] <= wall < walls[i+1]
      const k0 = knots[i] as number;
      const k1 = knots[i + 1] as number;
      const w0 = walls[i] as number;
      const sim = compressed[i] === 1 ? k0 + ((wall - w0) * (k1 - k0)) / idleLimitMs : k0 + (wall - w0) * rate;
      return sim < k0 ? k0 : sim > k1 ? k1 : sim; // keep monotone despite rounding
    },
  };
}

const warpMemo = new WeakMap<Timeline, Warp>();

/** The memoised warp for (timeline object, rate, idleLimitMs): the last one built per timeline. */
export function getWarp(t: Timeline, rate: number, idleLimitMs: number | null): Warp {
  const cached = warpMemo.get(t);
  if (cached && cached.rate === rate && cached.idleLimitMs === idleLimitMs) return cached;
  const warp = createWarp(t, rate, idleLimitMs);
  warpMemo.set(t, warp);
  return warp;
}

// ---------------------------------------------------------------------------------------------
// Simulated time

/** Simulated time of a playing state at serverNow, before clamping (serverNow >= anchor). */
function rawPlayingSim(state: ClockState, t: Timeline, serverNow: number): number {
  const elapsed = serverNow - state.serverTimeAtAnchor;
  if (state.idleLimitMs === null) return state.simAtAnchor + elapsed * state.rate;
  const warp = getWarp(t, state.rate, state.idleLimitMs);
  return warp.simOf(warp.wallOf(state.simAtAnchor) + elapsed);
}

function clampToStop(state: ClockState, t: Timeline, sim: number): number {
  const clamped = clampSim(t, sim);
  return state.stopAt !== null && clamped > state.stopAt ? Math.max(state.stopAt, bounds(t).min) : clamped;
}

/** The simulated time at a server instant. */
export function simTimeAt(state: ClockState, t: Timeline, serverNow: number): number {
  if (!state.playing || serverNow <= state.serverTimeAtAnchor) return clampSim(t, state.simAtAnchor);
  return clampToStop(state, t, rawPlayingSim(state, t, serverNow));
}

/** The smallest float strictly greater than x (x finite). */
function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const bits = buf.getBigUint64(0);
  buf.setBigUint64(0, x > 0 ? bits + 1n : bits - 1n);
  return buf.getFloat64(0);
}

/**
 * The server instant at which a playing clock reaches `sim`, or null if the clock is paused,
 * `sim` is before simAtAnchor, or beyond stopAt or the end. The result is the earliest
 * representable instant (within a few float steps) at which simTimeAt(...) >= sim.
 */
export function serverTimeOfSim(state: ClockState, t: Timeline, sim: number): number | null {
  if (!state.playing || !Number.isFinite(sim)) return null;
  if (sim < state.simAtAnchor) return null;
  if (sim > t.end) return null;
  if (state.stopAt !== null && sim > state.stopAt) return null;
  if (sim === state.simAtAnchor) return state.serverTimeAtAnchor;

  let wallDelta: number;
  if (state.idleLimitMs === null) {
    wallDelta = (sim - state.simAtAnchor) / state.rate;
  } else {
    const warp = getWarp(t, state.rate, state.idleLimitMs);
    wallDelta = warp.wallOf(sim) - warp.wallOf(state.simAtAnchor);
  }
  let at = state.serverTimeAtAnchor + Math.max(0, wallDelta);
  // Round up so that the clock has really reached `sim` at the returned instant.
  for (let i = 0; i < 64 && rawPlayingSim(state, t, at) < sim; i++) at = nextUp(at);
  return at;
}

/** The state in force at serverNow: a state scheduled for the future only applies from its anchor. */
export function effectiveState(previous: ClockState | null, current: ClockState, serverNow: number): ClockState {
  if (serverNow >= current.serverTimeAtAnchor || previous === null) return current;
  return previous;
}

// ---------------------------------------------------------------------------------------------
// Transitions

export function initialClock(t: Timeline, serverNow: number): ClockState {
  return {
    playing: false,
    rate: 1,
    simAtAnchor: bounds(t).min,
    serverTimeAtAnchor: serverNow,
    revision: 0,
    idleLimitMs: null,
    stopAt: null,
  };
}

function stopFor(t: Timeline, playing: boolean, sim: number, pausePoints: readonly number[]): number | null {
  if (!playing) return null;
  let stop = t.end;
  for (const p of pausePoints) if (p > sim && p < stop) stop = p;
  return Math.max(stop, sim); // at or past the end: stays at the end, stop reached at once
}

function reanchor(
  state: ClockState,
  t: Timeline,
  at: number,
  change: { playing?: boolean; rate?: number; idleLimitMs?: number | null; sim?: number },
  opts: TransitionOptions,
): ClockState {
  if (!Number.isFinite(at)) throw new RangeError(`anchor instant must be finite, got ${at}`);
  const playing = change.playing ?? state.playing;
  const sim = clampSim(t, change.sim ?? simTimeAt(state, t, at));
  return {
    playing,
    rate: change.rate ?? state.rate,
    simAtAnchor: sim,
    serverTimeAtAnchor: at,
    revision: state.revision + 1,
    idleLimitMs: change.idleLimitMs === undefined ? state.idleLimitMs : change.idleLimitMs,
    stopAt: stopFor(t, playing, sim, opts.pausePoints),
  };
}

export function play(state: ClockState, t: Timeline, at: number, opts: TransitionOptions): ClockState {
  return reanchor(state, t, at, { playing: true }, opts);
}

export function pause(state: ClockState, t: Timeline, at: number, opts: TransitionOptions): ClockState {
  return reanchor(state, t, at, { playing: false }, opts);
}

/** Jumps to simMs (clamped to bounds); keeps playing as it was. */
export function seek(state: ClockState, t: Timeline, at: number, simMs: number, opts: TransitionOptions): ClockState {
  if (!Number.isFinite(simMs)) throw new RangeError(`seek target must be finite, got ${simMs}`);
  return reanchor(state, t, at, { sim: simMs }, opts);
}

export function setRate(state: ClockState, t: Timeline, at: number, rate: number, opts: TransitionOptions): ClockState {
  if (!Number.isFinite(rate) || rate < RATE_MIN || rate > RATE_MAX) {
    throw new RangeError(`rate must be between ${RATE_MIN} and ${RATE_MAX}, got ${rate}`);
  }
  return reanchor(state, t, at, { rate }, opts);
}

/** Turns idle-gap mode on (a positive, finite wall-ms limit) or off (null). */
export function setIdleLimit(
  state: ClockState,
  t: Timeline,
  at: number,
  ms: number | null,
  opts: TransitionOptions,
): ClockState {
  if (ms !== null && !(Number.isFinite(ms) && ms > 0)) {
    throw new RangeError(`idle limit must be a positive number of ms or null, got ${ms}`);
  }
  return reanchor(state, t, at, { idleLimitMs: ms }, opts);
}

/**
 * +1: to the first entry time strictly after the current simulated time (none: the end).
 * -1: to the latest entry time strictly before it (none: bounds.min). Keeps playing as it was.
 */
export function step(state: ClockState, t: Timeline, at: number, direction: 1 | -1, opts: TransitionOptions): ClockState {
  const now = simTimeAt(state, t, at);
  let target: number;
  if (direction === 1) {
    const i = upperBound(t.entryTimes, now);
    target = i < t.entryTimes.length ? (t.entryTimes[i] as number) : t.end;
  } else {
    const i = lowerBound(t.entryTimes, now) - 1;
    target = i >= 0 ? (t.entryTimes[i] as number) : bounds(t).min;
  }
  return reanchor(state, t, at, { sim: target }, opts);
}

/** The stop point a playing state will actually reach (stopAt, never past the end). */
function effectiveStop(state: ClockState, t: Timeline): number | null {
  if (!state.playing || state.stopAt === null) return null;
  return Math.max(Math.min(state.stopAt, t.end), Math.min(state.simAtAnchor, t.end));
}

/** Whether a playing clock has reached its stop point at serverNow. */
export function reachedStop(state: ClockState, t: Timeline, serverNow: number): boolean {
  const stop = effectiveStop(state, t);
  if (stop === null || serverNow < state.serverTimeAtAnchor) return false;
  return simTimeAt(state, t, serverNow) >= stop;
}

/**
 * The paused state that follows a playing state reaching its stop point: anchored exactly at the
 * server instant the stop was reached, with simAtAnchor = stopAt, revision + 1.
 * Throws if the state is not playing towards a stop point.
 */
export function stopTransition(state: ClockState, t: Timeline): ClockState {
  const stop = effectiveStop(state, t);
  if (stop === null) throw new Error("stopTransition: the clock is not playing towards a stop point");
  const sim = clampSim(t, stop);
  return {
    ...state,
    playing: false,
    simAtAnchor: sim,
    serverTimeAtAnchor: serverTimeOfSim(state, t, sim) ?? state.serverTimeAtAnchor,
    revision: state.revision + 1,
    stopAt: null,
  };
}

/** The commands that only move the clock (a subset of the protocol's commands). */
export type ClockCommand =
  | { type: "play" }
  | { type: "pause" }
  | { type: "seek"; to: number }
  | { type: "rate"; rate: number }
  | { type: "step"; direction: 1 | -1 }
  | { type: "idle"; limitMs: number | null };

const CLOCK_COMMANDS: ReadonlySet<string> = new Set(["play", "pause", "seek", "rate", "step", "idle"]);

export function isClockCommand(command: { type: string }): command is ClockCommand {
  return CLOCK_COMMANDS.has(command.type);
}

/** The state after a clock command at server instant `at`. Throws RangeError for out-of-range values. */
export function applyClockCommand(state: ClockState, t: Timeline, at: number, command: ClockCommand, opts: TransitionOptions): ClockState {
  switch (command.type) {
    case "play":
      return play(state, t, at, opts);
    case "pause":
      return pause(state, t, at, opts);
    case "seek":
      return seek(state, t, at, command.to, opts);
    case "rate":
      return setRate(state, t, at, command.rate, opts);
    case "step":
      return step(state, t, at, command.direction, opts);
    case "idle":
      return setIdleLimit(state, t, at, command.limitMs, opts);
    default: {
      const exhaustive: never = command;
      return exhaustive;
    }
  }
}
