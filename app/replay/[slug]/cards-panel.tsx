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
import { DateTime } from "luxon";
import { memo, useEffect, useId, useRef } from "react";
import { isCardLocked } from "@/domain/card-logic";
import type { CardCategory } from "@/domain/cards";
import type { FeedCard } from "@/domain/feed";
import styles from "./cards.module.css";

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

const CATEGORY_LABELS: Record<CardCategory, string> = {
  background: "Background",
  stakes: "Stakes",
  topic: "Topic",
  person: "Person",
  outlet: "Outlet",
  hindsight: "Hindsight",
};

/** A fixed locale, so the server and every browser print the same month names. */
const LOCALE = "en-GB";

/** "16 July 2018" from a `yyyy-MM-dd` date; the input itself if it cannot be read. */
function formatSourceDate(date: string): string {
  const parsed = DateTime.fromFormat(date, "yyyy-MM-dd", { locale: LOCALE });
  return parsed.isValid ? parsed.toFormat("d LLLL yyyy") : date;
}

/** The calendar date of `knownFrom` in the event's zone, e.g. "20 July 2018". */
function formatKnownFrom(knownFrom: string, zone: string): string {
  const parsed = DateTime.fromISO(knownFrom, { setZone: true, locale: LOCALE }).setZone(zone);
  return parsed.isValid ? parsed.toFormat("d LLLL yyyy") : "a later date";
}

function paragraphs(body: string): string[] {
  return body
    .split(/\n\s*\n/u)
    .map((p) => p.trim())
    .filter((p) => p !== "");
}

/** Memoised: give it stable props (see ReplayView) and it renders only when the cards change. */
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
                <button type="button" className={styles.action} onClick={() => onPin(openCard.id, false)}>
                  Unpin
                </button>
              ) : (
                <button type="button" className={styles.action} onClick={() => onPin(openCard.id, true)}>
                  Pin
                </button>
              ))}
            <button type="button" className={styles.action} onClick={close}>
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
                        className={styles.action}
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
                      className={styles.action}
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

/** Category, title, and either the body and source or the lock line. */
function CardContent({
  card,
  titleId,
  locked,
  revealed,
  eventZone,
  onReveal,
  revealLabel,
}: {
  card: FeedCard;
  titleId: string;
  locked: boolean;
  revealed: boolean;
  eventZone: string;
  onReveal: (id: string) => void;
  revealLabel: string;
}) {
  const written = formatKnownFrom(card.knownFrom, eventZone);
  return (
    <>
      <p className={styles.category}>{CATEGORY_LABELS[card.category] ?? card.category}</p>
      <h3 className={styles.title} id={titleId}>
        {card.title}
      </h3>
      {locked && !revealed ? (
        <p className={styles.lock}>
          <span>Written after this moment ({written})</span>{" "}
          <button
            type="button"
            className={styles.action}
            onClick={(event) => {
              // The button goes away once the body shows: keep focus on the card.
              const holder = event.currentTarget.closest<HTMLElement>("[data-card]");
              onReveal(card.id);
              holder?.focus();
            }}
            aria-label={`${revealLabel} “${card.title}”, written after this moment`}
          >
            {revealLabel}
          </button>
        </p>
      ) : (
        <>
          {locked && <p className={styles.revealedNote}>Written after this moment ({written}); revealed early.</p>}
          {paragraphs(card.body).map((paragraph, index) => (
            <p className={styles.body} key={index}>
              {paragraph}
            </p>
          ))}
          <p className={styles.source}>
            {card.source.outlet}, “{card.source.title}”, {formatSourceDate(card.source.date)}
          </p>
        </>
      )}
    </>
  );
}
