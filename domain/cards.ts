/**
 * Context cards: short, sourced explanations pinned beside a replayed feed.
 *
 * Pure code only (no I/O, no wall clock): the card file format, its validation,
 * the spoiler lock (a card is locked before the moment its source was
 * published) and the linking of cards to feed entries through aliases.
 */
import { DateTime } from "luxon";
import { z } from "zod";

export const CARD_CATEGORIES = [
  "background",
  "stakes",
  "topic",
  "person",
  "outlet",
  "hindsight",
] as const;

export const cardCategorySchema = z.enum(CARD_CATEGORIES);

/** Stable, URL-safe card ids: lowercase words joined by single hyphens. */
const KEBAB_CASE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** A seed document's file name, e.g. `000_e416bfcf59845068.txt`. */
const SEED_FILE = /^\d{3}_[0-9a-f]{16}\.txt$/;

const nonBlank = (what: string) =>
  z.string().refine((s) => s.trim().length > 0, { message: `${what} must not be empty` });

/** An ISO 8601 instant: date, time and an explicit offset (`Z` or `±hh:mm`). */
const isoInstantSchema = z.iso
  .datetime({ offset: true, message: "must be an ISO 8601 instant with an offset, e.g. 2018-07-16T06:00:00Z" })
  .refine((s) => DateTime.fromISO(s, { setZone: true }).isValid, {
    message: "is not a valid instant",
  });

/** A calendar date, `yyyy-MM-dd`. */
const isoDateSchema = z.iso
  .date({ message: "must be a date in the form yyyy-MM-dd" })
  .refine((s) => DateTime.fromFormat(s, "yyyy-MM-dd").isValid, { message: "is not a valid date" });

export const cardSourceSchema = z.strictObject({
  outlet: nonBlank("source.outlet"),
  title: nonBlank("source.title"),
  /** Publication date as found in (or inferred from) the document. */
  date: isoDateSchema,
  /** File name of the seed document the card is written from. */
  seed: z.string().regex(SEED_FILE, { message: "must be a seed file name like 000_0123456789abcdef.txt" }),
  /** How the date or `knownFrom` was established when the document does not state it plainly. */
  dateNote: nonBlank("source.dateNote").optional(),
});

export const contextCardSchema = z.strictObject({
  id: z.string().regex(KEBAB_CASE, { message: "must be kebab-case (a-z, 0-9, single hyphens)" }),
  category: cardCategorySchema,
  title: nonBlank("title"),
  /** Plain text; paragraphs separated by a blank line. */
  body: nonBlank("body"),
  source: cardSourceSchema,
  /** The card may be shown from this instant on (its source's publication). */
  knownFrom: isoInstantSchema,
  /** Words that mark an entry as mentioning the card's subject. May be empty. */
  aliases: z.array(nonBlank("alias")),
  pinnedByDefault: z.boolean(),
});

export const contextCardFileSchema = z
  .strictObject({
    feed: z.string().regex(KEBAB_CASE, { message: "must be a feed slug" }),
    cards: z.array(contextCardSchema),
  })
  .superRefine((file, ctx) => {
    const seen = new Map<string, number>();
    file.cards.forEach((card, index) => {
      const first = seen.get(card.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["cards", index, "id"],
          message: `duplicate card id "${card.id}" (first used by cards[${first}])`,
        });
      } else {
        seen.set(card.id, index);
      }
    });
  });

export type CardCategory = z.infer<typeof cardCategorySchema>;
export type CardSource = z.infer<typeof cardSourceSchema>;
export type ContextCard = z.infer<typeof contextCardSchema>;
export type ContextCardFile = z.infer<typeof contextCardFileSchema>;

/** Thrown when a card file is not valid JSON or does not match the schema. */
export class CardFormatError extends Error {
  override readonly name = "CardFormatError";
  /** Field path of the first problem, e.g. `cards[3].knownFrom`; "" for the whole document. */
  readonly path: string;
  /** Every problem found, each with its field path. */
  readonly issues: ReadonlyArray<{ path: string; message: string }>;

  constructor(issues: ReadonlyArray<{ path: string; message: string }>) {
    const first = issues[0] ?? { path: "", message: "invalid card file" };
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
    super(`${first.path || "(document)"}: ${first.message}${more}`);
    this.path = first.path;
    this.issues = issues;
  }
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** Parses and validates the text of a card file. Throws {@link CardFormatError}. */
export function parseContextCards(text: string): ContextCardFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new CardFormatError([{ path: "", message: `not valid JSON: ${detail}` }]);
  }
  const result = contextCardFileSchema.safeParse(json);
  if (!result.success) {
    throw new CardFormatError(
      result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
    );
  }
  return result.data;
}

/** The instant from which a card may be shown, in epoch milliseconds (NaN if unparseable). */
export function knownFromMillis(card: Pick<ContextCard, "knownFrom">): number {
  const parsed = DateTime.fromISO(card.knownFrom, { setZone: true });
  return parsed.isValid ? parsed.toMillis() : Number.NaN;
}

/**
 * Whether a card must stay hidden at simulated time `simTimeMs` (epoch ms),
 * because its source had not been published yet. It unlocks exactly at
 * `knownFrom`. Fails closed: an unknown time or a bad `knownFrom` means locked.
 */
export function isCardLocked(card: Pick<ContextCard, "knownFrom">, simTimeMs: number): boolean {
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
  cards: ReadonlyArray<Pick<ContextCard, "id" | "aliases">>,
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
