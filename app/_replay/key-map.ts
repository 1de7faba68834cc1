/**
 * The replay's keyboard, as data: which key does what. Pure, so it is tested
 * without a browser; `use-key-map.ts` listens and carries the action out.
 * Presentation clickers send PageUp/PageDown, "." and b, so those work too.
 * The projector follows the class and answers only its screen's keys; there
 * PageDown/PageUp and ↓/↑ turn the pages of a long update, or of a question's
 * answers while one is up (paged.tsx).
 */
import type { Command } from "@/domain/protocol";
import { bounds, RATE_PRESETS, type ClockState, type Timeline } from "@/domain/replay/clock";
import type { ReplayRole } from "./feed";

export interface KeyPress {
  key: string;
  shiftKey: boolean;
  /** Ctrl, Meta or Alt held: the browser's or the system's shortcut, never ours. */
  modified: boolean;
  /** Where the key went: a text field or select, a button or summary (or inside a dialog), or elsewhere. */
  target: "field" | "button" | "other";
}

export interface KeyContext {
  role: ReplayRole;
  clock: ClockState;
  /** Simulated time shown now. */
  sim: number;
  timeline: Timeline;
  /** Whether the class's projector is blanked (the console's b toggles it). */
  projectorBlanked: boolean;
}

export type KeyAction =
  | { type: "command"; command: Command }
  | { type: "toggle-blank" }
  | { type: "fullscreen" }
  | { type: "toggle-help" }
  | { type: "focus-search" }
  | { type: "dismiss" };

/** Keys the projector answers: it follows the class, so only its own screen's keys. */
const PROJECTOR_KEYS = new Set(["b", ".", "f", "?", "Escape"]);

export const MINUTE_MS = 60_000;

/** The action for a key press, or null when the key is not ours (the browser keeps it). */
export function keyAction(press: KeyPress, context: KeyContext): KeyAction | null {
  if (press.target === "field" || press.modified) return null;
  // Space and Enter on a focused button or summary press it; they are not shortcuts there.
  if ((press.key === " " || press.key === "Enter") && press.target === "button") return null;
  if (context.role === "projector" && !PROJECTOR_KEYS.has(press.key)) return null;
  const { clock, sim, timeline } = context;
  const command = (command: Command): KeyAction => ({ type: "command", command });
  const minute = press.shiftKey ? 10 * MINUTE_MS : MINUTE_MS;
  if (/^[0-9]$/.test(press.key)) {
    const { min, max } = bounds(timeline);
    return command({ type: "seek", to: min + ((max - min) * Number(press.key)) / 10 });
  }
  switch (press.key) {
    case " ":
    case "k":
      return command({ type: clock.playing ? "pause" : "play" });
    case "j":
    case "J":
      return command({ type: "seek", to: sim - minute });
    case "l":
    case "L":
      return command({ type: "seek", to: sim + minute });
    case "ArrowLeft":
    case "PageUp":
      return command({ type: "step", direction: -1 });
    case "ArrowRight":
    case "PageDown":
      return command({ type: "step", direction: 1 });
    case "<":
      return command({ type: "rate", rate: nextRate(clock.rate, -1) });
    case ">":
      return command({ type: "rate", rate: nextRate(clock.rate, 1) });
    case "Home":
      return command({ type: "seek", to: bounds(timeline).min });
    case "End":
      return command({ type: "seek", to: timeline.end });
    case "b":
    case ".":
      // On the console, the class's projector goes blank, not the teacher's screen.
      return context.role === "presenter" ? command({ type: "blank", blanked: !context.projectorBlanked }) : { type: "toggle-blank" };
    case "f":
      return { type: "fullscreen" };
    case "?":
      return { type: "toggle-help" };
    case "/":
      return { type: "focus-search" };
    case "Escape":
      return { type: "dismiss" };
    default:
      return null;
  }
}

/** The next preset up or down from `rate`. */
export function nextRate(rate: number, direction: 1 | -1): number {
  if (direction > 0) return RATE_PRESETS.find((preset) => preset > rate) ?? RATE_PRESETS.at(-1)!;
  return [...RATE_PRESETS].reverse().find((preset) => preset < rate) ?? RATE_PRESETS[0];
}

/** The help overlay's list: the same keys, in words. */
export const KEY_HELP: ReadonlyArray<readonly [keys: string, action: string]> = [
  ["Space or k", "Play or pause"],
  ["j / l", "Back or forward 1 minute (Shift: 10 minutes)"],
  ["← → or PageUp PageDown", "Previous or next update"],
  ["↓ ↑ or PageDown PageUp, on the projector", "Next or previous page of a long update, or of a question's answers"],
  ["< / >", "Slower or faster"],
  ["0 – 9", "Jump to 0 – 90 % of the coverage"],
  ["Home / End", "Start or end"],
  ["/", "Search what has been published"],
  ["f", "Fullscreen"],
  ["b or .", "Blank the screen (console: the projector)"],
  ["q", "Console: ask the class “What happens next?”"],
  ["?", "This help"],
];
