import { describe, expect, it } from "vitest";
import { KEY_HELP, keyAction, nextRate, type KeyContext, type KeyPress } from "../../app/_replay/key-map";
import type { ClockState, Timeline } from "../../domain/replay/clock";

const MINUTE = 60_000;
const start = Date.parse("2018-07-16T09:45:00Z");
const timeline: Timeline = { start, end: start + 100 * MINUTE, entryTimes: [start + MINUTE, start + 50 * MINUTE] };
const clock = { playing: false, rate: 2, idleLimitMs: null } as unknown as ClockState;
const context: KeyContext = { role: "solo", clock, sim: start + 10 * MINUTE, timeline, projectorBlanked: false };
const press = (key: string, more: Partial<KeyPress> = {}): KeyPress => ({ key, shiftKey: false, modified: false, target: "other", ...more });

describe("the replay's key map", () => {
  it("plays and pauses with Space and k", () => {
    expect(keyAction(press(" "), context)).toEqual({ type: "command", command: { type: "play" } });
    expect(keyAction(press("k"), { ...context, clock: { ...clock, playing: true } })).toEqual({ type: "command", command: { type: "pause" } });
  });

  it("moves a simulated minute with j and l, ten with Shift", () => {
    expect(keyAction(press("l"), context)).toEqual({ type: "command", command: { type: "seek", to: start + 11 * MINUTE } });
    expect(keyAction(press("J", { shiftKey: true }), context)).toEqual({ type: "command", command: { type: "seek", to: start } });
  });

  it("steps between entries with the arrows and a clicker's PageUp/PageDown", () => {
    for (const key of ["ArrowLeft", "PageUp"]) expect(keyAction(press(key), context)).toEqual({ type: "command", command: { type: "step", direction: -1 } });
    for (const key of ["ArrowRight", "PageDown"]) expect(keyAction(press(key), context)).toEqual({ type: "command", command: { type: "step", direction: 1 } });
  });

  it("jumps to tenths of the coverage with the digits, and to either end with Home and End", () => {
    const min = start - 60_000; // the pre-roll
    expect(keyAction(press("0"), context)).toEqual({ type: "command", command: { type: "seek", to: min } });
    expect(keyAction(press("5"), context)).toEqual({ type: "command", command: { type: "seek", to: min + (timeline.end - min) / 2 } });
    expect(keyAction(press("Home"), context)).toEqual({ type: "command", command: { type: "seek", to: min } });
    expect(keyAction(press("End"), context)).toEqual({ type: "command", command: { type: "seek", to: timeline.end } });
  });

  it("changes speed to the next preset with < and >", () => {
    expect(keyAction(press(">"), context)).toEqual({ type: "command", command: { type: "rate", rate: 5 } });
    expect(keyAction(press("<"), context)).toEqual({ type: "command", command: { type: "rate", rate: 1 } });
    expect(nextRate(600, 1)).toBe(600);
    expect(nextRate(1, -1)).toBe(1);
    expect(nextRate(3, 1)).toBe(5);
  });

  it("blanks this screen, except on the console, where b blanks the class's projector", () => {
    expect(keyAction(press("b"), context)).toEqual({ type: "toggle-blank" });
    expect(keyAction(press("."), { ...context, role: "presenter" })).toEqual({ type: "command", command: { type: "blank", blanked: true } });
    expect(keyAction(press("b"), { ...context, role: "presenter", projectorBlanked: true })).toEqual({ type: "command", command: { type: "blank", blanked: false } });
    // The help a teacher reads on the console says which screen goes blank.
    expect(KEY_HELP.find(([key]) => key === "b or .")?.[1]).toMatch(/console: the projector/);
  });

  it("answers only its own screen's keys on the projector", () => {
    const projector = { ...context, role: "projector" as const };
    expect(keyAction(press("k"), projector)).toBeNull();
    expect(keyAction(press("l"), projector)).toBeNull();
    expect(keyAction(press("b"), projector)).toEqual({ type: "toggle-blank" });
    expect(keyAction(press("f"), projector)).toEqual({ type: "fullscreen" });
    expect(keyAction(press("?"), projector)).toEqual({ type: "toggle-help" });
    expect(keyAction(press("Escape"), projector)).toEqual({ type: "dismiss" });
    expect(keyAction(press("/"), projector)).toBeNull();
  });

  it("focuses the search with /, except while typing, and says so in the help", () => {
    expect(keyAction(press("/"), context)).toEqual({ type: "focus-search" });
    expect(keyAction(press("/", { target: "field" }), context)).toBeNull();
    expect(KEY_HELP.find(([key]) => key === "/")?.[1]).toMatch(/search/i);
  });

  it("leaves keys alone in text fields, with Ctrl/Meta/Alt, and Space or Enter on a button", () => {
    expect(keyAction(press("k", { target: "field" }), context)).toBeNull();
    expect(keyAction(press("l", { modified: true }), context)).toBeNull();
    expect(keyAction(press(" ", { target: "button" }), context)).toBeNull();
    expect(keyAction(press("Enter", { target: "button" }), context)).toBeNull();
    expect(keyAction(press("k", { target: "button" }), context)).toEqual({ type: "command", command: { type: "play" } });
    expect(keyAction(press("x"), context)).toBeNull();
  });
});
