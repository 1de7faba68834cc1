/**
 * What a presenter's command does to a session's state. Pure: the time of
 * effect is an argument, and the result is a new state or a refusal.
 */
import { ErrorReason, refusal, type Command, type Refusal, type SessionSettings } from "../../domain/protocol";
import * as clock from "../../domain/replay/clock";
import { parseJumpTime } from "../../domain/replay/jump";
import { pausePoints as pausePointRule } from "../../domain/replay/pause-points";
import type { FeedTimeline } from "./feed-timeline";
import type { StoredSession } from "./session-store";

/** Simulated instants where playback stops by itself, from the session's settings (domain/replay/pause-points.ts). */
export function pausePoints(settings: SessionSettings, feed: FeedTimeline): number[] {
  return pausePointRule(settings, feed.timeline, feed.entryKeys)!;
}

/** Bumps the revision for changes that leave the clock's anchor alone (pins, reveals). */
function touched(state: StoredSession): StoredSession["clock"] {
  return { ...state.clock, revision: state.clock.revision + 1 };
}

export function applyCommand(state: StoredSession, feed: FeedTimeline, command: Command, at: number): StoredSession | Refusal {
  const t = feed.timeline;
  const opts = { pausePoints: pausePoints(state.settings, feed) };
  if (clock.isClockCommand(command)) return { ...state, clock: clock.applyClockCommand(state.clock, t, at, command, opts) };
  switch (command.type) {
    case "jump": {
      const parsed = parseJumpTime(command.input, feed);
      if (!parsed.ok) return refusal(ErrorReason.badTime, parsed.reason);
      return { ...state, clock: clock.seek(state.clock, t, at, parsed.ms, opts) };
    }
    case "pauseOn": {
      const settings: SessionSettings = {
        ...state.settings,
        pauseOn: command.mode,
        markedEntryKeys: command.markedEntryKeys ?? state.settings.markedEntryKeys,
      };
      // Re-anchor so that stopAt follows the new pause points.
      const next = { ...state, settings };
      const reanchored = state.clock.playing
        ? clock.play(clock.pause(state.clock, t, at, { pausePoints: [] }), t, at, { pausePoints: pausePoints(settings, feed) })
        : touched(state);
      return { ...next, clock: reanchored };
    }
    case "pin": {
      if (!feed.cardIds.has(command.card)) return refusal(ErrorReason.unknownCard, `No card "${command.card}" in this feed`);
      const others = state.pinnedCards.filter((card) => card !== command.card);
      return { ...state, pinnedCards: command.pinned ? [...others, command.card] : others, clock: touched(state) };
    }
    case "reveal": {
      if (!feed.cardIds.has(command.card)) return refusal(ErrorReason.unknownCard, `No card "${command.card}" in this feed`);
      const others = state.revealedCards.filter((card) => card !== command.card);
      return { ...state, revealedCards: command.revealed ? [...others, command.card] : others, clock: touched(state) };
    }
    case "blank":
      return { ...state, settings: { ...state.settings, blanked: command.blanked }, clock: touched(state) };
    default: {
      const exhaustive: never = command;
      return exhaustive;
    }
  }
}
