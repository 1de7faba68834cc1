"use client";

/**
 * The whole feed, entries not yet sent included: for the scrubber's preview
 * and the console's private look ahead. (The feed is public; a class just
 * does not see it yet.) Fetched once per page and feed, however many ask.
 */
import { useEffect, useState } from "react";
import type { ProtocolEntry } from "@/domain/protocol";

const loads = new Map<string, Promise<ProtocolEntry[]>>();

function loadFeedEntries(slug: string): Promise<ProtocolEntry[]> {
  let load = loads.get(slug);
  if (!load) {
    load = fetch(`/api/feeds/${slug}`)
      .then((response) => response.json() as Promise<{ entries: ProtocolEntry[] }>)
      .then((detail) => detail.entries);
    load.catch(() => loads.delete(slug)); // asked again next time
    loads.set(slug, load);
  }
  return load;
}

/** The feed's entries once `wanted` has been true (they load then), else undefined. */
export function useFeedEntries(slug: string, wanted: boolean): ProtocolEntry[] | undefined {
  const [entries, setEntries] = useState<{ slug: string; entries: ProtocolEntry[] } | undefined>();
  useEffect(() => {
    if (!wanted) return;
    let current = true;
    loadFeedEntries(slug)
      .then((loaded) => current && setEntries({ slug, entries: loaded }))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [slug, wanted]);
  return entries?.slug === slug ? entries.entries : undefined;
}
