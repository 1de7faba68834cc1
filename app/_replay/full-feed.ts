"use client";

/**
 * The whole feed, entries not yet sent included: for the scrubber's preview
 * and the console's private look ahead. (The feed is public; a class just
 * does not see it yet.) Fetched once per page and source (ReplayFeed.source:
 * a class reads its session's version), however many ask.
 */
import { useEffect, useState } from "react";
import type { ProtocolEntry } from "@/domain/protocol";

const loads = new Map<string, Promise<ProtocolEntry[]>>();

function loadFeedEntries(source: string): Promise<ProtocolEntry[]> {
  let load = loads.get(source);
  if (!load) {
    load = fetch(source)
      .then((response) => {
        if (!response.ok) throw new Error(`${source} answered ${response.status}`);
        return response.json() as Promise<{ entries: ProtocolEntry[] }>;
      })
      .then((detail) => detail.entries);
    load.catch(() => loads.delete(source)); // asked again next time
    loads.set(source, load);
  }
  return load;
}

/** The feed's entries once `wanted` has been true (they load then), else undefined. */
export function useFeedEntries(source: string, wanted: boolean): ProtocolEntry[] | undefined {
  const [entries, setEntries] = useState<{ source: string; entries: ProtocolEntry[] } | undefined>();
  useEffect(() => {
    if (!wanted) return;
    let current = true;
    loadFeedEntries(source)
      .then((loaded) => current && setEntries({ source, entries: loaded }))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [source, wanted]);
  return entries?.source === source ? entries.entries : undefined;
}
