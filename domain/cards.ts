/**
 * Context cards: short, sourced explanations pinned beside a replayed feed.
 *
 * The card file format and its validation (zod), pure code with no I/O. What
 * a card does at run time (the spoiler lock, the linking of cards to feed
 * entries through aliases) is in card-logic.ts, which the replay page loads
 * without zod; it is re-exported at the end of this file.
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

/**
 * Where a card's facts come from. A card written from one of the project's seed documents names
 * it (`seed`); a card authored in the library may give the source's address (`url`) instead, or
 * neither when the source is not online (a book, an archive); never both.
 */
export const cardSourceSchema = z
  .strictObject({
    outlet: nonBlank("source.outlet"),
    title: nonBlank("source.title"),
    /** Publication date as found in (or inferred from) the document. */
    date: isoDateSchema,
    /** File name of the seed document the card is written from. */
    seed: z.string().regex(SEED_FILE, { message: "must be a seed file name like 000_0123456789abcdef.txt" }).optional(),
    /** The source's web address. */
    url: z
      .string()
      .max(2000, { message: "must be at most 2000 characters" })
      .refine((s) => /^https?:\/\/[^\s/]+/i.test(s) && URL.canParse(s), { message: "must be an http:// or https:// address" })
      .optional(),
    /** How the date or `knownFrom` was established when the document does not state it plainly. */
    dateNote: nonBlank("source.dateNote").optional(),
  })
  .refine((source) => source.seed === undefined || source.url === undefined, { message: "give either seed or url, not both", path: ["url"] });

/** Whether a stored source reference (card.sourceRef) names a seed document rather than an address. */
export const isSeedRef = (ref: string): boolean => SEED_FILE.test(ref);

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

// Locking and mention-finding live in card-logic.ts, which browsers load
// without zod; re-exported here for the server and the tests.
export { cardLockClock, createMentionFinder, findMentions, isCardLocked, knownFromMillis, linkCardsToEntries, type Mention } from "./card-logic";
