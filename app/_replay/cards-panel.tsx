"use client";

/**
 * The "Context" panel beside a replay: the pinned cards, the other cards in a
 * collapsed list, and the card opened from a marked term in the feed.
 *
 * Spoiler rule: a card is locked until the replay reaches its `knownFrom`
 * (or while the time is unknown). A locked card that the viewer has not
 * revealed shows its title only: its body and source are not rendered at all,
 * so they are not in the DOM.
 */
import { memo, useEffect, useId, useRef } from "react";
import { cardLockClock, isCardLocked } from "@/domain/card-logic";
import type { FeedCard } from "@/domain/feed";
import button from "../button.module.css";
import { CardContent } from "./card-content";
import styles from "./cards.module.css";
import { useRenderCount } from "./render-count";
import { useSimValue, type SimClock } from "./sim-clock";

const ACTION = `${button.button} ${button.small}`;

export interface CardsPanelProps {
  /** Every card of the feed, in card order. */
  cards: FeedCard[];
  /** Ids of the pinned cards (any order; shown in card order). */
  pinned: string[];
  /** Simulated time in epoch ms; undefined (not known yet) locks every card. */
  sim: number | undefined;
  /** IANA zone in which the lock line's date is given. */
  eventZone: string;
  /** The card opened from a marked term, shown at the top; null for none. */
  openCardId: string | null;
  /** Ids of locked cards the viewer chose to read anyway. */
  revealed: Set<string>;
  onReveal: (id: string) => void;
  /** Absent where the viewer cannot change the pins (a class's followers and projector). */
  onPin?: (id: string, pinned: boolean) => void;
  /** The reveal button's words ("Reveal to the class" on the console). */
  revealLabel?: string;
  /** Closes the opened card (the parent sets openCardId to null). */
  onClose: () => void;
}

/** Memoised: give it stable props (see CardsAtClock) and it renders only when the cards change. */
export const CardsPanel = memo(function CardsPanel({
  cards,
  pinned,
  sim,
  eventZone,
  openCardId,
  revealed,
  onReveal,
  onPin,
  revealLabel = "Reveal",
  onClose,
}: CardsPanelProps) {
  useRenderCount("cards");
  const pinnedSet = new Set(pinned);
  const pinnedCards = cards.filter((card) => pinnedSet.has(card.id));
  const otherCards = cards.filter((card) => !pinnedSet.has(card.id));
  const openCard = openCardId === null ? undefined : cards.find((card) => card.id === openCardId);
  const locked = (card: FeedCard) => isCardLocked(card, sim ?? Number.NaN);

  const dialogRef = useRef<HTMLElement | null>(null);
  /** Where focus was when the card opened (the marked term), to return it on Close. */
  const returnFocusRef = useRef<HTMLElement | null>(null);
  const titleId = useId();
  const openId = openCard?.id ?? null;

  useEffect(() => {
    const box = dialogRef.current;
    if (openId === null || box === null) return;
    const previous = document.activeElement;
    if (previous instanceof HTMLElement && !box.contains(previous) && previous !== document.body) {
      returnFocusRef.current = previous;
    }
    box.focus();
  }, [openId]);

  const close = () => {
    const back = returnFocusRef.current;
    returnFocusRef.current = null;
    onClose();
    if (back?.isConnected) back.focus();
  };

  return (
    <aside className={styles.panel} aria-label="Context cards">
      <h2 className={styles.heading}>Context</h2>

      {openCard && (
        <section
          key={openCard.id}
          ref={dialogRef}
          className={styles.dialog}
          role="dialog"
          aria-modal="false"
          aria-labelledby={titleId}
          tabIndex={-1}
          data-card={openCard.id}
          data-testid="open-card"
          onKeyDown={(event) => {
            if (event.key === "Escape") {
              event.stopPropagation();
              close();
            }
          }}
        >
          <CardContent
            card={openCard}
            titleId={titleId}
            locked={locked(openCard)}
            revealed={revealed.has(openCard.id)}
            eventZone={eventZone}
            onReveal={onReveal}
            revealLabel={revealLabel}
          />
          <div className={styles.actions}>
            {onPin &&
              (pinnedSet.has(openCard.id) ? (
                <button type="button" className={ACTION} onClick={() => onPin(openCard.id, false)}>
                  Unpin
                </button>
              ) : (
                <button type="button" className={ACTION} onClick={() => onPin(openCard.id, true)}>
                  Pin
                </button>
              ))}
            <button type="button" className={ACTION} onClick={close}>
              Close
            </button>
          </div>
        </section>
      )}

      {pinnedCards.length === 0 ? (
        <p className={styles.empty}>{onPin ? "No cards pinned. Pin one from the list below." : "No cards pinned."}</p>
      ) : (
        <ul className={styles.list}>
          {pinnedCards.map((card) => {
            const isLocked = locked(card);
            const isOpen = !isLocked || revealed.has(card.id);
            return (
              <li key={card.id}>
                <article
                  className={isOpen ? styles.card : `${styles.card} ${styles.cardLocked}`}
                  data-card={card.id}
                  data-locked={isOpen ? undefined : "true"}
                  aria-labelledby={`${titleId}-${card.id}`}
                  tabIndex={-1}
                >
                  <CardContent
                    card={card}
                    titleId={`${titleId}-${card.id}`}
                    locked={isLocked}
                    revealed={revealed.has(card.id)}
                    eventZone={eventZone}
                    onReveal={onReveal}
                    revealLabel={revealLabel}
                  />
                  {onPin && (
                    <div className={styles.actions}>
                      <button
                        type="button"
                        className={ACTION}
                        onClick={() => onPin(card.id, false)}
                        aria-label={`Unpin “${card.title}”`}
                      >
                        Unpin
                      </button>
                    </div>
                  )}
                </article>
              </li>
            );
          })}
        </ul>
      )}

      {otherCards.length > 0 && (
        <details className={styles.more}>
          <summary className={styles.moreSummary}>More cards ({otherCards.length})</summary>
          <ul className={styles.moreList}>
            {otherCards.map((card) => {
              const isLocked = locked(card) && !revealed.has(card.id);
              return (
                <li key={card.id} className={styles.moreItem} data-card={card.id}>
                  <span className={styles.moreTitle}>
                    {card.title}
                    {isLocked && <span className={styles.later}> · written later</span>}
                  </span>
                  {onPin && (
                    <button
                      type="button"
                      className={ACTION}
                      onClick={() => onPin(card.id, true)}
                      aria-label={`Pin “${card.title}”`}
                    >
                      Pin
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        </details>
      )}
    </aside>
  );
});

/** The panel at the session's moment: it renders when a card unlocks, not as time passes. */
export function CardsAtClock({ clock, ...props }: Omit<CardsPanelProps, "sim"> & { clock: SimClock }) {
  const { cards } = props;
  const sim = useSimValue(clock, (c) => (c.sim === undefined ? undefined : cardLockClock(cards, c.sim)));
  return <CardsPanel {...props} sim={sim} />;
}
