/**
 * Commands that follow each other closer than the lead (two consoles, a key's
 * auto-repeat, a clicker). At every server millisecond, what a client computes
 * from the newest snapshot it holds must be the clock really in force: the
 * newest state the server has adopted whose anchor has passed. Run on the
 * session manager with an in-memory store and fake timers, so it is exact.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Command, Snapshot } from "@/domain/protocol";
import * as clock from "@/domain/replay/clock";
import { SessionManager } from "@/server/replay/session-manager";
import { MemorySessionStore } from "../support/memory-session-store";
import { FIRST, libraryOf, spacedFeed } from "../support/test-feed";

const MIN = 60_000;
const LEAD = 40;

const makeFeed = () => spacedFeed("spacing", ["card-a", "card-b"]);

/** One command of every type, each changing something visible from the state before it. */
const COMMANDS: Record<string, Command> = {
  play: { type: "play" },
  pause: { type: "pause" },
  seek: { type: "seek", to: FIRST + 4 * 60 * MIN },
  jump: { type: "jump", input: "2018-07-16T10:30:00Z" },
  rate: { type: "rate", rate: 600 },
  step: { type: "step", direction: 1 },
  stepBack: { type: "step", direction: -1 },
  idle: { type: "idle", limitMs: 1000 },
  pauseOn: { type: "pauseOn", mode: "marked", markedEntryKeys: ["k12", "k30"] },
  pin: { type: "pin", card: "card-a", pinned: true },
  reveal: { type: "reveal", card: "card-b", revealed: true },
  blank: { type: "blank", blanked: true },
};
const NAMES = Object.keys(COMMANDS);
const GAPS = [0, 5, 20, 39];

interface Adopted {
  at: number;
  clock: clock.ClockState;
}

async function run(sequence: string[], gap: number): Promise<string[]> {
  const feed = makeFeed();
  const t = feed.timeline;
  const adopted: Adopted[] = [];
  let held: Snapshot | undefined;
  const manager = new SessionManager({
    store: new MemorySessionStore(() => feed.slug),
    timelines: libraryOf(feed),
    now: () => Date.now(),
    leadMs: LEAD,
    broadcast: {
      state: (_session, snapshot) => {
        adopted.push({ at: Date.now(), clock: snapshot.clock });
        // A client applies a state unless it is older than the one it holds.
        if (!held || snapshot.clock.revision >= held.clock.revision) held = snapshot;
      },
      entries: () => undefined,
    },
    publish: () => undefined,
  });
  const { session } = await manager.create(feed.slug, "shared");
  adopted.push({ at: Date.now(), clock: session.state.clock });
  held = session.snapshot(0);
  // Start playing at 60×, an hour into the feed, and let that take effect.
  await manager.control(session, { type: "seek", to: FIRST + 60 * MIN });
  await manager.control(session, { type: "rate", rate: 60 });
  await manager.control(session, { type: "play" });
  vi.advanceTimersByTime(100);

  const failures: string[] = [];
  const start = Date.now();
  const end = start + gap * (sequence.length - 1) + LEAD + 20;
  for (let now = start; now <= end; now++) {
    for (const [i, name] of sequence.entries()) {
      if (start + i * gap === now) await manager.control(session, COMMANDS[name]!);
    }
    // The server's own notion: the newest adopted state whose anchor has passed.
    const inForce = adopted.filter((a) => a.at <= now && a.clock.serverTimeAtAnchor <= now).reduce((a, b) => (b.clock.revision > a.clock.revision ? b : a));
    const expected = clock.simTimeAt(inForce.clock, t, now);
    const client = clock.effectiveState(held!.previousClock, held!.clock, now);
    const shown = clock.simTimeAt(client, t, now);
    const server = clock.simTimeAt(session.clockAt(now), t, now);
    if (Math.abs(shown - expected) > 1e-3 || Math.abs(server - expected) > 1e-3) {
      failures.push(`${sequence.join(" → ")} ${gap} ms apart, at +${now - start} ms: client ${iso(shown)}, server ${iso(server)}, in force ${iso(expected)}`);
      break;
    }
    vi.advanceTimersByTime(1);
  }
  manager.close();
  return failures;
}

const iso = (ms: number) => new Date(ms).toISOString();

describe("commands closer together than the lead", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_800_000_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("every pair of command types, 0, 5, 20 and 39 ms apart: clients compute the clock in force", async () => {
    const failures: string[] = [];
    for (const gap of GAPS) for (const a of NAMES) for (const b of NAMES) failures.push(...(await run([a, b], gap)));
    expect(failures).toEqual([]);
  }, 60_000);

  it("every triple of command types, 0, 5, 20 and 39 ms apart: clients compute the clock in force", async () => {
    const failures: string[] = [];
    for (const gap of GAPS) for (const a of NAMES) for (const b of NAMES) for (const c of NAMES) failures.push(...(await run([a, b, c], gap)));
    expect(failures.slice(0, 10)).toEqual([]);
  }, 120_000);

  it("a held key's auto-repeat (a step every 33 ms) moves the class every lead, not only on release", async () => {
    const feed = makeFeed();
    const anchors = new Set<number>();
    const manager = new SessionManager({
      store: new MemorySessionStore(() => feed.slug),
      timelines: libraryOf(feed),
      now: () => Date.now(),
      leadMs: LEAD,
      broadcast: { state: (_s, snapshot) => void anchors.add(snapshot.clock.serverTimeAtAnchor), entries: () => undefined },
      publish: () => undefined,
    });
    const { session } = await manager.create(feed.slug, "shared");
    anchors.clear();
    const start = Date.now();
    for (let i = 0; i < 30; i++) {
      await manager.control(session, { type: "step", direction: 1 });
      vi.advanceTimersByTime(33);
    }
    // 30 presses over a second take effect in about 1000 / (2 × 33) ≈ 15 flips, never fewer than one per 80 ms.
    expect(anchors.size).toBeGreaterThanOrEqual(12);
    expect(Math.max(...anchors) - start).toBeLessThanOrEqual(30 * 33 + LEAD);
    // From the pre-roll, 30 steps reach the 30th entry: none was lost.
    expect(session.simTime(Date.now())).toBe(feed.timeline.entryTimes[29]);
    manager.close();
  });
});
