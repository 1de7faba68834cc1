"use client";

import { memo, useEffect, useLayoutEffect, useRef, useState } from "react";
import type { ProtocolEntry } from "@/domain/protocol";
import { clockTime, zoneLabel } from "@/domain/time";
import { ago } from "./format";
import { MarkedText, type CardMentionFinder } from "./marked-text";
import type { SimClock } from "./sim-clock";
import styles from "./entry.module.css";

/**
 * One live-blog update, rendered as text (React escapes it: feed content is
 * never HTML). Memoised: an entry renders when its own props change, never
 * because time passes (its "12 min ago" writes itself, see AgoLabel).
 */
export const EntryView = memo(function EntryView({
  entry,
  eventZone,
  publishedZone,
  note,
  fresh,
  featured,
  clock,
  finder,
  onOpenCard,
  linkSlug,
  highlighted,
}: {
  entry: ProtocolEntry;
  eventZone: string;
  publishedZone: string;
  note?: string | undefined;
  fresh?: boolean;
  /** The projector's latest update, large above the list. */
  featured?: boolean;
  /** Given, the entry says how long ago it was published, in simulated time. */
  clock?: SimClock | undefined;
  /** Marks terms that a context card explains; without it the text is plain. */
  finder?: CardMentionFinder;
  onOpenCard?: (cardId: string) => void;
  /** Given, the entry offers a link to itself in the solo replay of this feed. */
  linkSlug?: string;
  /** Pointed at by a link or a search result: marked, and scrolled into view. */
  highlighted?: boolean;
}) {
  const ref = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (highlighted) ref.current?.scrollIntoView({ block: "center", behavior: "auto" });
  }, [highlighted]);
  return (
    <li ref={ref} className={entryClass(fresh, featured, highlighted)} id={`entry-${entry.key}`} data-kind={entry.kind} aria-current={highlighted ? "true" : undefined}>
      <p className={`${styles.time} entry-time`}>
        <EntryStamp publishedAt={entry.publishedAt} eventZone={eventZone} publishedZone={publishedZone} />
        {clock && <AgoLabel publishedAt={entry.publishedAt} clock={clock} />}
        {entry.kind === "video" && <span className={`${styles.badge} badge`}>Video</span>}
        {entry.kind === "photo" && <span className={`${styles.badge} badge`}>Photo</span>}
      </p>
      <EntryContent entry={entry} finder={finder} onOpenCard={onOpenCard} />
      {note && <p className={`${styles.note} entry-note`}>{note}</p>}
      {linkSlug && <CopyEntryLink slug={linkSlug} entryKey={entry.key} />}
    </li>
  );
});

/**
 * " · 12 min ago". At 600× the minute changes ten times a second: the label
 * writes its own text when it changes, so the list around it does not render.
 */
function AgoLabel({ publishedAt, clock }: { publishedAt: string; clock: SimClock }) {
  const ref = useRef<HTMLSpanElement>(null);
  useLayoutEffect(() => {
    const published = Date.parse(publishedAt);
    let minutes: number | undefined;
    const update = () => {
      const shown = clock.shown;
      const next = shown === undefined ? undefined : Math.floor((shown - published) / 60_000);
      if (next === minutes || !ref.current) return;
      minutes = next;
      ref.current.textContent = shown === undefined ? "" : ` · ${ago(shown - published)}`;
    };
    update();
    return clock.subscribe(update);
  }, [publishedAt, clock]);
  return <span className={styles.ago} ref={ref} />;
}

/** The entry's time in two zones, formatted once per entry and zone, not once per "min ago". */
const EntryStamp = memo(function EntryStamp({ publishedAt, eventZone, publishedZone }: { publishedAt: string; eventZone: string; publishedZone: string }) {
  return (
    <>
      <time dateTime={publishedAt}>
        {clockTime(publishedAt, eventZone)} {zoneLabel(eventZone)}
      </time>{" "}
      <span className={styles.timeAlt}>
        ({clockTime(publishedAt, publishedZone)} {publishedZone})
      </span>
    </>
  );
});

/**
 * The title, caption and body: the costly part (card terms are marked), and
 * the part that never changes as time passes, unlike the "12 min ago" above it.
 */
const EntryContent = memo(function EntryContent({
  entry,
  finder,
  onOpenCard,
}: {
  entry: ProtocolEntry;
  finder?: CardMentionFinder | undefined;
  onOpenCard?: ((cardId: string) => void) | undefined;
}) {
  const text = (value: string) => (finder && onOpenCard ? <MarkedText text={value} finder={finder} onOpenCard={onOpenCard} /> : value);
  const label = titleLabel(entry);
  return (
    <>
      <h2 className={`${styles.title} entry-title`}>
        {label ? (
          <>
            <span className={`${styles.titleLabel} entry-title-label`}>{label.label}</span>
            {label.gap}
            {text(label.rest)}
          </>
        ) : (
          text(entry.title)
        )}
      </h2>
      {entry.photoCaption && (
        <p className={styles.caption}>
          {entry.photoCaption}
          {entry.photoCredit && <span className={styles.credit}> {entry.photoCredit}</span>}
        </p>
      )}
      {entry.body
        .split("\n\n")
        .filter(Boolean)
        .map((paragraph, index) => (
          <p className={`${styles.body} entry-body`} key={index}>
            {text(paragraph)}
          </p>
        ))}
    </>
  );
});

/**
 * A video headline's label ("WATCH", "WATCH:") as printed before the video's name, so it can be
 * styled apart. The words are the headline's own: label + gap + rest is exactly `entry.title`.
 */
function titleLabel(entry: ProtocolEntry): { label: string; gap: string; rest: string } | null {
  const name = entry.videoTitle;
  if (entry.kind !== "video" || !name || entry.title === name || !entry.title.endsWith(name)) return null;
  const prefix = entry.title.slice(0, entry.title.length - name.length);
  const label = prefix.trimEnd();
  if (label === "") return null;
  return { label, gap: prefix.slice(label.length), rest: name };
}

/** "entry", "entry-fresh" and "entry-highlighted" stay as plain names beside the module's, like the entry's parts': the browser tests find them by these. */
function entryClass(fresh: boolean | undefined, featured: boolean | undefined, highlighted: boolean | undefined): string {
  return [styles.entry, "entry", fresh && `${styles.fresh} entry-fresh`, featured && styles.featured, highlighted && `${styles.highlighted} entry-highlighted`].filter(Boolean).join(" ");
}

/** "Copy link": the solo replay opened at this entry's moment, the entry highlighted (?entry=). */
function CopyEntryLink({ slug, entryKey }: { slug: string; entryKey: string }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    const url = `${window.location.origin}/replay/${slug}?entry=${encodeURIComponent(entryKey)}`;
    const done = () => {
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    };
    void (navigator.clipboard?.writeText(url).then(done, done) ?? done());
  };
  return (
    <button type="button" className={`${styles.copyLink} entry-copy-link`} onClick={copy}>
      {copied ? "Link copied" : "Copy link"}
      <span className="visually-hidden"> to this update</span>
    </button>
  );
}
