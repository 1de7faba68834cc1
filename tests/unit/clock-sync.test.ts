/**
 * ClockSync against a server whose clock is 5,000 ms ahead, over a link whose
 * delay each way the test sets: what estimate a re-sync keeps.
 */
import { describe, expect, it } from "vitest";
import { ClockSync, CLOCK_DRIFT, type ReplaySocket } from "@/client/replay-client";

const SERVER_AHEAD_MS = 5_000;

/**
 * A link answering `time:ping` after `up` ms out and `down` ms back. Time is
 * `state.local`, which the test moves; the client's clock reads it less
 * `slept` (a device whose clock stood still while it slept).
 */
function link() {
  const state = { local: 1_000, up: 0.1, down: 0.1, slept: 0 };
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
  return { state, sync: new ClockSync(socket, () => state.local - state.slept) };
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
    expect(sync.offset).toBeCloseTo(SERVER_AHEAD_MS, 9); // error ≤ 0.1 + 0.45 ms beats ≤ 5 ms
    expect(sync.roundTrip).toBeCloseTo(0.2, 9);

    // 330 s after the good sample, the drift it may have (about 5 ms) outweighs the busy sample's 5 ms.
    state.local += 300_000;
    await sync.sync();
    expect(330_000 * CLOCK_DRIFT + 0.1).toBeGreaterThan(5);
    expect(sync.offset).toBeCloseTo(SERVER_AHEAD_MS - 4, 9);
    expect(sync.roundTrip).toBeCloseTo(10, 9);

    // A quiet link again: the better sample wins at once.
    Object.assign(state, { up: 0.1, down: 0.1 });
    await sync.sync();
    expect(sync.offset).toBeCloseTo(SERVER_AHEAD_MS, 9);
  });

  it("a clock that jumped (a device that slept) is followed, even by a worse sample", async () => {
    const { state, sync } = link();
    await sync.sync();
    Object.assign(state, { up: 1, down: 9, slept: 10_000 });
    await sync.sync();
    expect(sync.offset).toBeCloseTo(SERVER_AHEAD_MS + 10_000 - 4, 9);
    expect(sync.roundTrip).toBeCloseTo(10, 9);
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
