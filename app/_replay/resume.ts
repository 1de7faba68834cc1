"use client";

/**
 * "Back where I was": where a solo viewer left each feed, kept in this
 * browser (localStorage), so that coming back to the feed, in any tab, any
 * day, resumes there (session-start.ts) with "Start over" beside it.
 */
import { useEffect } from "react";
import type { SimClock } from "./sim-clock";

const KEY = (slug: string) => `relive:left:${slug}`;
/** How often the place is written down: often enough to lose little, rarely enough to cost nothing. */
const SAVE_EVERY_MS = 2000;

/** Where this browser left the feed, or undefined (never here, storage off, or a value that is not a time). */
export function leftAt(slug: string): number | undefined {
  try {
    const raw = localStorage.getItem(KEY(slug));
    const sim = raw === null ? Number.NaN : Number(raw);
    return Number.isFinite(sim) ? sim : undefined;
  } catch {
    return undefined;
  }
}

export function forgetLeftAt(slug: string): void {
  try {
    localStorage.removeItem(KEY(slug));
  } catch {
    // storage off: nothing was kept
  }
}

/** Writes the solo viewer's place down every few seconds and when the page is hidden or left. */
export function useRememberPlace(slug: string, clock: SimClock, on: boolean): void {
  useEffect(() => {
    if (!on) return;
    const save = () => {
      const sim = clock.sim;
      if (sim === undefined) return;
      try {
        localStorage.setItem(KEY(slug), String(Math.round(sim)));
      } catch {
        // storage off or full: the next visit starts at the beginning
      }
    };
    const timer = setInterval(save, SAVE_EVERY_MS);
    const onHide = () => document.visibilityState === "hidden" && save();
    document.addEventListener("visibilitychange", onHide);
    window.addEventListener("pagehide", save);
    return () => {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", onHide);
      window.removeEventListener("pagehide", save);
    };
  }, [slug, clock, on]);
}
