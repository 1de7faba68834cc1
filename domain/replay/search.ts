/**
 * Search within a replay, without spoilers: it looks only at the entries
 * published at the viewer's moment and the cards the viewer may read (known
 * by then, or revealed). The presenter may look ahead: the entries after the
 * moment are then searched too, and their matches say so.
 *
 * Every word of the query must occur (case-insensitively) in the title or the
 * text; each occurrence is returned as a highlight range (UTF-16 offsets).
 */
import { isCardLocked } from "../card-logic";

export interface SearchableEntry {
  key: string;
  publishedAt: string;
  title: string;
  body: string;
}

export interface SearchableCard {
  id: string;
  title: string;
  body: string;
  knownFrom: string;
}

export interface SearchInput {
  /** The entries known, in replay order; the first `publishedCount` are published at the viewer's moment. */
  entries: readonly SearchableEntry[];
  publishedCount: number;
  cards: readonly SearchableCard[];
  /** Ids of locked cards the viewer chose to read. */
  revealedCards: ReadonlySet<string>;
  /** The viewer's simulated time (epoch ms): cards known by then are searched. */
  sim: number;
  query: string;
  /** The presenter's look ahead: entries after the moment are searched too (marked `ahead`). */
  lookAhead?: boolean;
}

export type Range = readonly [start: number, end: number];

export interface SearchMatch {
  kind: "entry" | "card";
  /** The entry's key or the card's id. */
  id: string;
  /** When it was published (entry) or became known (card). */
  at: string;
  title: string;
  titleRanges: Range[];
  /** A stretch of the text around its first hit ("" when only the title matched). */
  snippet: string;
  snippetRanges: Range[];
  /** Published after the viewer's moment: only the presenter's look ahead finds it. */
  ahead: boolean;
}

/** Results listed at most; the rest are counted. */
export const SEARCH_LIMIT = 50;
const SNIPPET_BEFORE = 40;
const SNIPPET_LENGTH = 160;

/** The matches, newest published first among what the viewer may see, then (look ahead) the coming ones in order. */
export function searchReplay(input: SearchInput): { matches: SearchMatch[]; total: number } {
  const patterns = compile(input.query);
  if (patterns.length === 0) return { matches: [], total: 0 };
  const found: SearchMatch[] = [];
  const published = Math.max(0, Math.min(input.publishedCount, input.entries.length));
  for (let index = published - 1; index >= 0; index--) {
    const entry = input.entries[index]!;
    const match = matchText(patterns, entry.title, entry.body);
    if (match) found.push({ kind: "entry", id: entry.key, at: entry.publishedAt, ...match, ahead: false });
  }
  for (const card of input.cards) {
    if (isCardLocked(card, input.sim) && !input.revealedCards.has(card.id)) continue;
    const match = matchText(patterns, card.title, card.body);
    if (match) found.push({ kind: "card", id: card.id, at: card.knownFrom, ...match, ahead: false });
  }
  if (input.lookAhead) {
    for (let index = published; index < input.entries.length; index++) {
      const entry = input.entries[index]!;
      const match = matchText(patterns, entry.title, entry.body);
      if (match) found.push({ kind: "entry", id: entry.key, at: entry.publishedAt, ...match, ahead: true });
    }
  }
  return { matches: found.slice(0, SEARCH_LIMIT), total: found.length };
}

/** One pattern per word of the query, special characters taken literally. */
function compile(query: string): RegExp[] {
  const words = query.trim().split(/\s+/).filter(Boolean).slice(0, 8);
  return words.map((word) => new RegExp(word.slice(0, 100).replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "giu"));
}

function matchText(patterns: RegExp[], title: string, body: string): Pick<SearchMatch, "title" | "titleRanges" | "snippet" | "snippetRanges"> | null {
  const titleRanges = ranges(patterns, title);
  const bodyRanges = ranges(patterns, body);
  const all = `${title}\n${body}`;
  if (!patterns.every((pattern) => new RegExp(pattern.source, "iu").test(all))) return null;
  if (bodyRanges.length === 0) return { title, titleRanges, snippet: "", snippetRanges: [] };
  const from = Math.max(0, bodyRanges[0]![0] - SNIPPET_BEFORE);
  const to = Math.min(body.length, from + SNIPPET_LENGTH);
  const lead = from > 0 ? "…" : "";
  const snippet = `${lead}${body.slice(from, to)}${to < body.length ? "…" : ""}`;
  const snippetRanges = bodyRanges
    .filter(([start, end]) => start >= from && end <= to)
    .map(([start, end]) => [start - from + lead.length, end - from + lead.length] as const);
  return { title, titleRanges, snippet, snippetRanges };
}

/** Every occurrence of every pattern, sorted and merged where they overlap. */
function ranges(patterns: RegExp[], text: string): Range[] {
  const hits: Array<[number, number]> = [];
  for (const pattern of patterns) {
    pattern.lastIndex = 0;
    for (const hit of text.matchAll(pattern)) hits.push([hit.index, hit.index + hit[0].length]);
  }
  hits.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const hit of hits) {
    const last = merged.at(-1);
    if (last && hit[0] <= last[1]) last[1] = Math.max(last[1], hit[1]);
    else merged.push([...hit]);
  }
  return merged;
}
