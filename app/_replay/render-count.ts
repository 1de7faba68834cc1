"use client";

/**
 * Render counts for the benchmark, off unless the page's address has
 * `?profile=1`: then every commit of a counted component adds one to
 * `window.__reliveRenders[id]`. React's <Profiler> reports nothing in a
 * production build, so the counted components call this hook instead.
 */
import { useEffect } from "react";

export type RenderCounts = Record<string, number>;

declare global {
  interface Window {
    __reliveRenders?: RenderCounts;
  }
}

const counts: RenderCounts | undefined =
  typeof window !== "undefined" && new URLSearchParams(window.location.search).get("profile") === "1" ? (window.__reliveRenders ??= {}) : undefined;

/** Counts the caller's commits under `id` (several components may share an id: "console" is all of its cards). */
export function useRenderCount(id: string): void {
  useEffect(() => {
    if (counts) counts[id] = (counts[id] ?? 0) + 1;
  });
}
