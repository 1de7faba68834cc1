/**
 * Re-importing a feed that is already stored: which entries a new version adds, changes and
 * removes, keyed by entry key, and the rule that keeps keys stable when only a headline changed.
 *
 * Keys are what sessions, cards and pause points refer to (`markedEntryKeys`, cards' `entryKeys`,
 * questions' `beforeEntryKey`). A generated key is `HHmm-<slug of the headline>`, so correcting a
 * typo in a headline would give the entry a new key: the old entry "removed", a new one "added",
 * and a session marked on it would lose its mark. `reconcileEntryKeys` prevents that: a new entry
 * whose key the stored feed does not have takes the key of the one stored entry, also gone from
 * the new version, published at the same instant (or, of several at that instant, the one with the
 * same text). The importer applies it before writing (server/feeds/importer.ts) and the preview's
 * diff is computed the same way, so what the preview shows is what is saved. Pure: no I/O.
 */
import { findOutOfOrderNotes, type ImportedEntry, type ImportedFeed } from "../feed-model";

export const ENTRY_FIELDS = ["publishedAt", "pagePosition", "kind", "title", "body", "photoCaption", "photoCredit", "videoTitle"] as const;
export type EntryField = (typeof ENTRY_FIELDS)[number];
export const FEED_FIELDS = ["title", "outlet", "description", "sourceUrl", "publishedZone", "eventZone", "eventDate"] as const;
export type FeedField = (typeof FEED_FIELDS)[number];

export interface DiffEntry {
  key: string;
  title: string;
  publishedAt: string;
  /** Page position in the new version (added, changed, moved) or in the stored one (removed). */
  pagePosition: number;
}

export interface ChangedEntry extends DiffEntry {
  /** The fields whose values differ, other than pagePosition. */
  fields: EntryField[];
  /** The stored values of those fields. */
  before: Partial<Record<EntryField, string | number | null>>;
}

export interface FeedDiff {
  /** True when nothing is stored under the new version's slug yet. */
  created: boolean;
  /** Metadata fields that differ from the stored feed's. */
  feedFields: FeedField[];
  added: DiffEntry[];
  changed: ChangedEntry[];
  removed: DiffEntry[];
  /** Entries whose only change is their place on the page (e.g. because an entry above was added). */
  moved: DiffEntry[];
  unchanged: number;
  /** Entries that keep their stored key although their generated key changed (a headline edit). */
  keptKeys: Array<{ key: string; generatedKey: string }>;
}

/** The new version with the keys of stored entries carried over where only the headline (so the generated key) changed. */
export function reconcileEntryKeys(
  stored: Pick<ImportedFeed, "entries"> | null | undefined,
  next: ImportedFeed,
): { feed: ImportedFeed; keptKeys: FeedDiff["keptKeys"] } {
  if (!stored || stored.entries.length === 0) return { feed: next, keptKeys: [] };
  const nextKeys = new Set(next.entries.map((e) => e.key));
  const storedKeys = new Set(stored.entries.map((e) => e.key));
  const goneByTime = new Map<number, ImportedEntry[]>();
  for (const e of stored.entries) if (!nextKeys.has(e.key)) push(goneByTime, Date.parse(e.publishedAt), e);
  const newByTime = new Map<number, ImportedEntry[]>();
  for (const e of next.entries) if (!storedKeys.has(e.key)) push(newByTime, Date.parse(e.publishedAt), e);

  const rename = new Map<ImportedEntry, string>();
  for (const [time, fresh] of newByTime) {
    const gone = goneByTime.get(time);
    if (!gone) continue;
    if (fresh.length === 1 && gone.length === 1) {
      rename.set(fresh[0]!, gone[0]!.key);
      continue;
    }
    // Several at one instant: pair those whose text is unchanged, each only if unambiguous.
    for (const f of fresh) {
      const same = gone.filter((g) => g.body === f.body && g.kind === f.kind);
      const rivals = fresh.filter((o) => o.body === f.body && o.kind === f.kind);
      if (same.length === 1 && rivals.length === 1) rename.set(f, same[0]!.key);
    }
  }
  if (rename.size === 0) return { feed: next, keptKeys: [] };
  const keptKeys: FeedDiff["keptKeys"] = [];
  const entries = next.entries.map((e) => {
    const key = rename.get(e);
    if (key === undefined) return e;
    keptKeys.push({ key, generatedKey: e.key });
    return { ...e, key };
  });
  // Notes name entries by key.
  return { feed: { ...next, entries, notes: findOutOfOrderNotes(entries, next.publishedZone) }, keptKeys };
}

/**
 * What importing `next` over `stored` would do, keyed by entry key, after `reconcileEntryKeys`
 * (pass the stored feed as the importer has it; null when the slug is new).
 */
export function diffFeeds(stored: ImportedFeed | null | undefined, next: ImportedFeed): FeedDiff {
  const { feed, keptKeys } = reconcileEntryKeys(stored, next);
  const diff: FeedDiff = { created: !stored, feedFields: [], added: [], changed: [], removed: [], moved: [], unchanged: 0, keptKeys };
  const ref = (e: ImportedEntry): DiffEntry => ({ key: e.key, title: e.title, publishedAt: e.publishedAt, pagePosition: e.pagePosition });
  if (!stored) {
    diff.added = feed.entries.map(ref);
    return diff;
  }
  diff.feedFields = FEED_FIELDS.filter((f) => (stored[f] ?? null) !== (feed[f] ?? null));
  const before = new Map(stored.entries.map((e) => [e.key, e] as const));
  for (const e of feed.entries) {
    const old = before.get(e.key);
    before.delete(e.key);
    if (!old) {
      diff.added.push(ref(e));
      continue;
    }
    const fields = ENTRY_FIELDS.filter((f) => f !== "pagePosition" && !sameValue(f, old[f], e[f]));
    if (fields.length > 0) {
      diff.changed.push({ ...ref(e), fields, before: Object.fromEntries(fields.map((f) => [f, old[f]])) });
    } else if (old.pagePosition !== e.pagePosition) diff.moved.push(ref(e));
    else diff.unchanged++;
  }
  diff.removed = [...before.values()].map(ref);
  return diff;
}

/** Whether importing would change no entry and no metadata (moves count as changes). */
export function isEmptyDiff(diff: FeedDiff): boolean {
  return !diff.created && diff.feedFields.length === 0 && diff.added.length + diff.changed.length + diff.removed.length + diff.moved.length === 0;
}

function sameValue(field: EntryField, a: unknown, b: unknown): boolean {
  if (field === "publishedAt") return Date.parse(a as string) === Date.parse(b as string);
  return (a ?? null) === (b ?? null);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
