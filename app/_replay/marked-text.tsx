/**
 * Feed text with the terms that a context card explains marked as small
 * buttons. The text is rendered as React text nodes (escaped, never HTML);
 * only the matched spans become elements.
 */
import type { ReactNode } from "react";
import { createMentionFinder } from "@/domain/card-logic";
import type { FeedCard } from "@/domain/feed";
import styles from "./cards.module.css";

/** One marked term: UTF-16 offsets into the searched text, and the card it opens. */
export interface CardMention {
  start: number;
  end: number;
  cardId: string;
  cardTitle: string;
}

/**
 * Finds the card mentions in a text, sorted by start, never overlapping.
 * Results are memoised per text and shared between calls: treat them as
 * read-only (they are frozen).
 */
export type CardMentionFinder = (text: string) => CardMention[];

/** How many distinct texts a finder remembers; the oldest is forgotten first. */
const MEMO_LIMIT = 2000;

const NO_MENTIONS: CardMention[] = Object.freeze([]) as unknown as CardMention[];

/**
 * Compiles the aliases of every card once. Overlaps between cards are
 * resolved as domain/cards.ts does within one card: the longest match wins;
 * on equal length the earlier one, then the card listed first. Cards without
 * aliases are skipped.
 */
export function createCardMentionFinder(
  cards: ReadonlyArray<Pick<FeedCard, "id" | "title" | "aliases">>,
): CardMentionFinder {
  const finders = cards
    .filter((card) => card.aliases.some((alias) => alias.trim() !== ""))
    .map((card, order) => ({ cardId: card.id, cardTitle: card.title, order, find: createMentionFinder(card.aliases) }));
  const memo = new Map<string, CardMention[]>();

  const compute = (text: string): CardMention[] => {
    const candidates: Array<CardMention & { order: number }> = [];
    for (const { cardId, cardTitle, order, find } of finders) {
      for (const { start, end } of find(text)) candidates.push({ start, end, cardId, cardTitle, order });
    }
    if (candidates.length === 0) return NO_MENTIONS;
    candidates.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start || a.order - b.order);
    const accepted: CardMention[] = [];
    for (const c of candidates) {
      if (accepted.every((m) => c.end <= m.start || c.start >= m.end)) {
        accepted.push(Object.freeze({ start: c.start, end: c.end, cardId: c.cardId, cardTitle: c.cardTitle }));
      }
    }
    accepted.sort((a, b) => a.start - b.start);
    return Object.freeze(accepted) as unknown as CardMention[];
  };

  return (text: string): CardMention[] => {
    if (text === "" || finders.length === 0) return NO_MENTIONS;
    const known = memo.get(text);
    if (known !== undefined) return known;
    const found = compute(text);
    if (memo.size >= MEMO_LIMIT) {
      const oldest = memo.keys().next();
      if (!oldest.done) memo.delete(oldest.value);
    }
    memo.set(text, found);
    return found;
  };
}

/** `text` with every card mention wrapped in a button that opens the card. */
export function MarkedText({
  text,
  finder,
  onOpenCard,
}: {
  text: string;
  finder: CardMentionFinder;
  onOpenCard: (cardId: string) => void;
}) {
  const mentions = finder(text);
  if (mentions.length === 0) return <>{text}</>;

  const parts: ReactNode[] = [];
  let at = 0;
  for (const mention of mentions) {
    if (mention.start > at) parts.push(text.slice(at, mention.start));
    const matched = text.slice(mention.start, mention.end);
    parts.push(
      <button
        key={mention.start}
        type="button"
        className={styles.term}
        data-card={mention.cardId}
        aria-label={`${matched.replace(/\s+/gu, " ")}: open the card “${mention.cardTitle}”`}
        onClick={() => onOpenCard(mention.cardId)}
      >
        {matched}
      </button>,
    );
    at = mention.end;
  }
  if (at < text.length) parts.push(text.slice(at));
  return <>{parts}</>;
}
