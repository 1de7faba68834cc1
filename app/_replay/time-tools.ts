"use client";

/**
 * Reading times and zone arithmetic (luxon, in domain/replay/jump.ts and
 * today.ts), loaded the first time a viewer needs them: a jump typed, a
 * moment's link copied, a `?t=` or `?clock=today` link opened. The replay
 * draws without them, so its first load carries no date library
 * (formatting is domain/time.ts, with Intl).
 */
import { useEffect, useState } from "react";

export type TimeTools = typeof import("@/domain/replay/jump") & typeof import("@/domain/replay/today");

let loading: Promise<TimeTools> | undefined;

export function timeTools(): Promise<TimeTools> {
  if (!loading) {
    loading = Promise.all([import("@/domain/replay/jump"), import("@/domain/replay/today")]).then(([jump, today]) => ({ ...jump, ...today }));
    loading.catch(() => (loading = undefined)); // asked again next time
  }
  return loading;
}

/** The tools once loaded (asked for on mount when `wanted`), else undefined. */
export function useTimeTools(wanted = true): TimeTools | undefined {
  const [tools, setTools] = useState<TimeTools | undefined>();
  useEffect(() => {
    if (!wanted) return;
    let current = true;
    timeTools()
      .then((loaded) => current && setTools(() => loaded))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [wanted]);
  return tools;
}
