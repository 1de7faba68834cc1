"use client";

/** Listens for the replay's keys (key-map.ts) and carries each action out. */
import { useEffect, useRef } from "react";
import type { ReplayClient } from "@/client/replay-client";
import type { Command } from "@/domain/protocol";
import type { ReplayRole } from "./feed";
import { keyAction, type KeyPress } from "./key-map";
import type { SimClock } from "./sim-clock";

interface Handlers {
  /** The same path as the buttons': a refusal shows in the notice. */
  send: (command: Command) => Promise<boolean>;
  toggleBlank: () => void;
  toggleHelp: () => void;
  focusSearch: () => void;
  dismiss: () => void;
}

export function useKeyMap(client: ReplayClient | undefined, clock: SimClock, role: ReplayRole, handlers: Handlers): void {
  const latest = useRef(handlers);
  useEffect(() => {
    latest.current = handlers;
  });

  useEffect(() => {
    if (!client) return;
    const onKey = (event: KeyboardEvent) => {
      // As the buttons do: the clock last asked for, so a held key or two quick presses build on each other.
      const state = client.controlClock();
      const sim = client.controlSimTime();
      if (!state || sim === undefined || !client.view) return;
      const action = keyAction(describe(event), { role, clock: state, sim, timeline: client.view.timeline, projectorBlanked: client.view.settings.blanked });
      if (!action) return;
      if (action.type !== "dismiss") event.preventDefault();
      const { send, toggleBlank, toggleHelp, focusSearch, dismiss } = latest.current;
      switch (action.type) {
        case "command":
          void send(action.command);
          return;
        case "toggle-blank":
          return toggleBlank();
        case "toggle-help":
          return toggleHelp();
        case "focus-search":
          return focusSearch();
        case "dismiss":
          return dismiss();
        case "fullscreen":
          if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
          else void document.documentElement.requestFullscreen().catch(() => undefined);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [client, clock, role]);
}

function describe(event: KeyboardEvent): KeyPress {
  const target = event.target as Element | null;
  const field = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
  return {
    key: event.key,
    shiftKey: event.shiftKey,
    modified: event.ctrlKey || event.metaKey || event.altKey,
    target: field ? "field" : target?.closest("button, summary, [role=dialog]") ? "button" : "other",
  };
}
