/** One card's words: category, title, and either the body and source or the lock line with its reveal button. */
import type { CardCategory } from "@/domain/cards";
import type { FeedCard } from "@/domain/feed";
import { longDate } from "@/domain/time";
import button from "../button.module.css";
import styles from "./cards.module.css";

const ACTION = `${button.button} ${button.small}`;

const CATEGORY_LABELS: Record<CardCategory, string> = {
  background: "Background",
  stakes: "Stakes",
  topic: "Topic",
  person: "Person",
  outlet: "Outlet",
  hindsight: "Hindsight",
};

/** "16 July 2018" from a `yyyy-MM-dd` date; the input itself if it cannot be read. */
function formatSourceDate(date: string): string {
  const iso = `${date}T12:00:00Z`;
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && Number.isFinite(Date.parse(iso)) ? longDate(iso, "UTC") : date;
}

/** The calendar date of `knownFrom` in the event's zone, e.g. "20 July 2018". */
function formatKnownFrom(knownFrom: string, zone: string): string {
  return Number.isFinite(Date.parse(knownFrom)) ? longDate(knownFrom, zone) : "a later date";
}

function paragraphs(body: string): string[] {
  return body
    .split(/\n\s*\n/u)
    .map((p) => p.trim())
    .filter((p) => p !== "");
}

export /** Category, title, and either the body and source or the lock line. */
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
            className={ACTION}
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

