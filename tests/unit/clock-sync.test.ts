/**
 * ClockSync against a server whose clock is 5,000 ms ahead, over a link whose
 * delay each way the test sets: what estimate a re-sync keeps.
 */
import { describe, expect, it } from "vitest";
import { ClockSync, CLOCK_DRIFT, type ReplaySocket } from "@/client/replay-client";

const SERVER_AHEAD_MS = 5_000;

/** A link answering `time:ping` after `up` ms out and `down` ms back, on a local clock the test moves. */
function link() {
  const state = { local: 1_000, up: 0.1, down: 0.1 };
  const emitter = {
    async emitWithAck(event: string) {
      expect(event).toBe("time:ping");
      state.local += state.up;
      const serverTime = state.local + SERVER_AHEAD_MS;
      state.local += state.down;
      return { ok: true, serverTime };
    },
  };
  const socket = { timeout: () => emitter } as unknown as ReplaySocket;
  return { state, sync: new ClockSync(socket, () => state.local) };
}

describe("ClockSync", () => {
  it("estimates the offset from the fastest sample: off by half the difference between its two ways", async () => {
    const { state, sync } = link();
    state.up = 0.3;
    state.down = 0.1;
    await sync.sync();
    expect(sync.roundTrip).toBeCloseTo(0.4, 9);
    expect(sync.offset).toBeCloseTo(SERVER_AHEAD_MS + 0.1, 9);
    expect(sync.serverNow()).toBeCloseTo(state.local + SERVER_AHEAD_MS + 0.1, 9);
  });

  it("a re-sync in a busy moment keeps the better estimate, until drift makes the old one the worse", async () => {
    const { state, sync } = link();
    await sync.sync();
    expect(sync.offset).toBeCloseTo(SERVER_AHEAD_MS, 9);

    // 30 s later the link is busy: 1 ms out, 9 ms back, so every sample reads 4 ms early.
    state.local += 30_000;
    Object.assign(state, { up: 1, down: 9 });
    await sync.sync();
    expect(sync.offset).toBeCloseTo(SERVER_AHEAD_MS, 9); // error ≤ 0.1 + 3 ms beats ≤ 5 ms
    expect(sync.roundTrip).toBeCloseTo(0.2, 9);

    // 60 s after the good sample, the drift it may have (6 ms) outweighs the busy sample's 5 ms.
    state.local += 30_000;
    await sync.sync();
    expect(60_000 * CLOCK_DRIFT + 0.1).toBeGreaterThan(5);
    expect(sync.offset).toBeCloseTo(SERVER_AHEAD_MS - 4, 9);
    expect(sync.roundTrip).toBeCloseTo(10, 9);

    // A quiet link again: the better sample wins at once.
    Object.assign(state, { up: 0.1, down: 0.1 });
    await sync.sync();
    expect(sync.offset).toBeCloseTo(SERVER_AHEAD_MS, 9);
  });

  it("a fresh sync (after a reconnect) takes the new estimate even if the old one was better", async () => {
    const { state, sync } = link();
    await sync.sync();
    Object.assign(state, { up: 1, down: 9 });
    await sync.sync(8, { fresh: true });
    expect(sync.offset).toBeCloseTo(SERVER_AHEAD_MS - 4, 9);
    expect(sync.roundTrip).toBeCloseTo(10, 9);
  });
});
