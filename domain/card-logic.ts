/**
 * What a context card does at run time: when it unlocks, and which words in
 * an entry mention it. No zod here: the replay page imports this.
 */

/** The fields these functions need from a card (see ContextCard in cards.ts). */
interface CardLike {
  id: string;
  knownFrom: string;
  aliases: string[];
}

/** An ISO 8601 instant with its offset, the only form the card schema (cards.ts) lets in. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * The instant from which a card may be shown, in epoch milliseconds (NaN if
 * unreadable). The card schema checked the date with luxon when the card came
 * in; reading it needs no date library, so the replay page loads none.
 */
export function knownFromMillis(card: Pick<CardLike, "knownFrom">): number {
  return ISO_INSTANT.test(card.knownFrom) ? Date.parse(card.knownFrom) : Number.NaN;
}

/**
 * Whether a card must stay hidden at simulated time `simTimeMs` (epoch ms),
 * because its source had not been published yet. It unlocks exactly at
 * `knownFrom`. Fails closed: an unknown time or a bad `knownFrom` means locked.
 */
export function isCardLocked(card: Pick<CardLike, "knownFrom">, simTimeMs: number): boolean {
  const known = knownFromMillis(card);
  if (!Number.isFinite(known) || !Number.isFinite(simTimeMs)) return true;
  return simTimeMs < known;
}

// ---------------------------------------------------------------------------
// Mentions

export interface Mention {
  /** UTF-16 offset of the first character of the match in the searched text. */
  start: number;
  /** UTF-16 offset just past the match. */
  end: number;
  /** The alias (as given) that matched. */
  alias: string;
}

/** Characters that count as part of a word: letters, digits, combining marks, connectors (`_`). */
const WORD_CLASS = String.raw`[\p{L}\p{N}\p{M}\p{Pc}]`;
const WORD_CHAR = new RegExp(`^${WORD_CLASS}$`, "u");

function escapeRegExp(s: string): string {
  // Only syntax characters may be escaped under the `u` flag.
  return s.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
}

/** Regex source for one alias, or null for a blank alias. */
function aliasPatternSource(alias: string): string | null {
  const forms = new Set([alias.normalize("NFC").trim(), alias.normalize("NFD").trim()]);
  const bodies: string[] = [];
  let firstChar = "";
  let lastChar = "";
  for (const form of forms) {
    if (form === "") return null;
    const chars = Array.from(form);
    firstChar = chars[0] ?? "";
    lastChar = chars[chars.length - 1] ?? "";
    // Any run of whitespace in the alias matches any run of whitespace in the text.
    bodies.push(form.split(/\s+/u).map(escapeRegExp).join(String.raw`\s+`));
  }
  // Boundaries only make sense next to word characters ("U.S." may be followed by "-").
  // A trailing combining mark is itself a word character, so "Niinisto" never matches
  // the first part of a decomposed "Niinistö".
  const before = WORD_CHAR.test(firstChar) ? `(?<!${WORD_CLASS})` : "";
  const after = WORD_CHAR.test(lastChar) ? `(?!${WORD_CLASS})` : "";
  return `${before}(?:${bodies.join("|")})${after}`;
}

type MentionFinder = (text: string) => Mention[];

/** Compiles a list of aliases once, for searching many texts. */
export function createMentionFinder(aliases: readonly string[]): MentionFinder {
  const compiled: Array<{ alias: string; order: number; regex: RegExp }> = [];
  const seenSources = new Set<string>();
  aliases.forEach((alias, order) => {
    const source = aliasPatternSource(alias);
    if (source === null) return;
    const key = source.toLowerCase();
    if (seenSources.has(key)) return;
    seenSources.add(key);
    compiled.push({ alias, order, regex: new RegExp(source, "giu") });
  });

  return (text: string): Mention[] => {
    if (compiled.length === 0 || text === "") return [];
    const candidates: Array<Mention & { order: number }> = [];
    for (const { alias, order, regex } of compiled) {
      for (const match of text.matchAll(regex)) {
        const start = match.index;
        candidates.push({ start, end: start + match[0].length, alias, order });
      }
    }
    // Longest match wins; on equal length the earlier one, then the alias listed first.
    candidates.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start || a.order - b.order);
    const accepted: Mention[] = [];
    for (const c of candidates) {
      if (accepted.every((m) => c.end <= m.start || c.start >= m.end)) {
        accepted.push({ start: c.start, end: c.end, alias: c.alias });
      }
    }
    return accepted.sort((a, b) => a.start - b.start);
  };
}

/**
 * Finds where any of `aliases` occurs in `text`: case-insensitive, on Unicode
 * word boundaries (so "INF" does not match inside "information"), with
 * overlapping matches resolved in favour of the longest. Sorted by start.
 */
export function findMentions(text: string, aliases: readonly string[]): Mention[] {
  return createMentionFinder(aliases)(text);
}

/**
 * For each card (in card order), the keys of the entries whose title or body
 * mentions one of its aliases, in entry order. Cards without aliases map to [].
 * Locking is not applied here: callers decide what a locked card may show.
 */
export function linkCardsToEntries(
  cards: ReadonlyArray<Pick<CardLike, "id" | "aliases">>,
  entries: ReadonlyArray<{ key: string; title: string; body: string }>,
): Map<string, string[]> {
  const links = new Map<string, string[]>();
  for (const card of cards) {
    const find = createMentionFinder(card.aliases);
    const keys: string[] = [];
    for (const entry of entries) {
      // Title and body are searched separately so a match cannot straddle them.
      if (find(entry.title).length > 0 || find(entry.body).length > 0) {
        if (!keys.includes(entry.key)) keys.push(entry.key);
      }
    }
    links.set(card.id, keys);
  }
  return links;
}

/**
 * The latest `knownFrom` at or before `simTimeMs` (−Infinity if none): every
 * card is locked at it exactly as at `simTimeMs`, and it changes only when a
 * card unlocks, so a view can re-render the cards then rather than every frame.
 */
export function cardLockClock(cards: ReadonlyArray<Pick<CardLike, "knownFrom">>, simTimeMs: number): number {
  let latest = Number.NEGATIVE_INFINITY;
  if (!Number.isFinite(simTimeMs)) return latest;
  for (const card of cards) {
    const known = knownFromMillis(card);
    if (Number.isFinite(known) && known <= simTimeMs && known > latest) latest = known;
  }
  return latest;
}
