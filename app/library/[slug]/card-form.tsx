"use client";
/**
 * Authoring a context card: the fields of the card file (validated by the server exactly as the
 * card importer validates a file), with knownFrom entered as a date, time and zone and a preview
 * of when the card unlocks in the replay.
 */
import { useState } from "react";
import { DateTime } from "luxon";
import { CARD_CATEGORIES } from "@/domain/cards";
import type { FeedCard } from "@/domain/feed";
import { slugifyHeadline } from "@/domain/feed-model";
import button from "../../button.module.css";
import styles from "../library.module.css";
import { jsonBody, libraryFetch } from "../library-fetch";
import { describeUnlock, instantFrom, type UnlockFeed } from "./unlock";

type Props = { slug: string; feed: UnlockFeed; editing?: FeedCard; onDone(): void };

export function CardForm({ slug, feed, editing, onDone }: Props) {
  const known = editing ? DateTime.fromISO(editing.knownFrom).setZone(feed.eventZone) : DateTime.fromISO(feed.coverageStart).setZone(feed.eventZone);
  const [zone, setZone] = useState(feed.eventZone);
  const [date, setDate] = useState(known.toISODate() ?? "");
  const [time, setTime] = useState(known.toFormat("HH:mm"));
  const [title, setTitle] = useState(editing?.title ?? "");
  const [id, setId] = useState(editing?.id ?? "");
  const [error, setError] = useState<{ message: string; field?: string }>();
  const [busy, setBusy] = useState(false);
  const knownFrom = instantFrom(date, time, zone);
  const cardId = id || slugifyHeadline(title, 40);

  async function submit(form: FormData) {
    if (!knownFrom) return setError({ field: "knownFrom", message: `knownFrom: ${date} ${time} is not a time that existed in ${zone}` });
    const text = (name: string) => String(form.get(name) ?? "").trim();
    const card = {
      id: cardId,
      category: text("category"),
      title,
      body: text("body"),
      source: {
        outlet: text("source.outlet"),
        title: text("source.title"),
        date: text("source.date"),
        ...(editing?.source.ref && !text("source.url") && /^\d{3}_/.test(editing.source.ref) ? { seed: editing.source.ref } : {}),
        ...(text("source.url") ? { url: text("source.url") } : {}),
        ...(text("source.dateNote") ? { dateNote: text("source.dateNote") } : {}),
      },
      knownFrom,
      aliases: text("aliases").split(",").map((a) => a.trim()).filter(Boolean),
      pinnedByDefault: form.get("pinned") === "on",
    };
    setBusy(true);
    const result = await libraryFetch(`/api/library/feeds/${slug}/cards/${encodeURIComponent(card.id || "-")}`, jsonBody("PUT", card));
    setBusy(false);
    if (!result.ok) return setError(result);
    setError(undefined);
    onDone();
  }

  const invalid = (field: string) => (error?.field === field || error?.field?.startsWith(`${field}.`) ? { "aria-invalid": true, "aria-describedby": "card-error" } : {});
  return (
    <form
      className={styles.panel}
      aria-labelledby="card-form-title"
      onSubmit={(event) => {
        event.preventDefault();
        void submit(new FormData(event.currentTarget));
      }}
    >
      <h3 id="card-form-title">{editing ? `Edit the card "${editing.title}"` : "New context card"}</h3>
      <div className={styles.grid}>
        <div>
          <label htmlFor="card-title">Title</label>
          <input id="card-title" autoFocus value={title} onChange={(e) => setTitle(e.currentTarget.value)} required {...invalid("title")} />
        </div>
        <div>
          <label htmlFor="card-id">Id (kebab-case; from the title if empty)</label>
          <input id="card-id" value={id} placeholder={slugifyHeadline(title, 40)} readOnly={Boolean(editing)} onChange={(e) => setId(e.currentTarget.value)} {...invalid("id")} />
        </div>
        <div>
          <label htmlFor="card-category">Category</label>
          <select id="card-category" name="category" defaultValue={editing?.category ?? "background"}>
            {CARD_CATEGORIES.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </div>
      </div>
      <label htmlFor="card-body">Body (plain text; a blank line between paragraphs)</label>
      <textarea id="card-body" name="body" rows={5} className={styles.textarea} defaultValue={editing?.body} required {...invalid("body")} />
      <fieldset className={styles.group}>
        <legend>Source</legend>
        <div className={styles.grid}>
          <div>
            <label htmlFor="source-outlet">Outlet</label>
            <input id="source-outlet" name="source.outlet" defaultValue={editing?.source.outlet} required {...invalid("source.outlet")} />
          </div>
          <div>
            <label htmlFor="source-title">Title</label>
            <input id="source-title" name="source.title" defaultValue={editing?.source.title} required {...invalid("source.title")} />
          </div>
          <div>
            <label htmlFor="source-date">Published (yyyy-MM-dd)</label>
            <input id="source-date" name="source.date" defaultValue={editing?.source.date ?? date} required {...invalid("source.date")} />
          </div>
          <div>
            <label htmlFor="source-url">Address (optional)</label>
            <input id="source-url" name="source.url" type="url" defaultValue={editing?.source.ref && !/^\d{3}_/.test(editing.source.ref) ? editing.source.ref : ""} {...invalid("source.url")} />
          </div>
          <div>
            <label htmlFor="source-note">How the date is known (optional)</label>
            <input id="source-note" name="source.dateNote" defaultValue={editing?.source.note ?? ""} />
          </div>
        </div>
      </fieldset>
      <fieldset className={styles.group}>
        <legend>Known from</legend>
        <p className={styles.hint}>The card stays locked until the replay reaches this moment.</p>
        <div className={styles.grid}>
          <div>
            <label htmlFor="known-date">Date</label>
            <input id="known-date" type="date" value={date} onChange={(e) => setDate(e.currentTarget.value)} required {...invalid("knownFrom")} />
          </div>
          <div>
            <label htmlFor="known-time">Time</label>
            <input id="known-time" type="time" value={time} onChange={(e) => setTime(e.currentTarget.value)} required {...invalid("knownFrom")} />
          </div>
          <div>
            <label htmlFor="known-zone">Zone</label>
            <select id="known-zone" value={zone} onChange={(e) => setZone(e.currentTarget.value)}>
              {[...new Set([feed.eventZone, "UTC", "Europe/London"])].map((z) => (
                <option key={z}>{z}</option>
              ))}
            </select>
          </div>
        </div>
        <p className={styles.unlock} aria-live="polite">
          {knownFrom ? describeUnlock(knownFrom, feed) : `${date} ${time} does not exist in ${zone}.`}
        </p>
      </fieldset>
      <label htmlFor="card-aliases">Aliases (comma-separated words that link updates to the card)</label>
      <input id="card-aliases" name="aliases" defaultValue={editing?.aliases.join(", ")} {...invalid("aliases")} />
      <label className={styles.check}>
        <input type="checkbox" name="pinned" defaultChecked={editing?.pinnedByDefault ?? false} /> Pinned by default
      </label>
      <div className={styles.row}>
        <button type="submit" className={`${button.button} ${button.primary}`} disabled={busy}>
          Save the card
        </button>
        <button type="button" className={button.button} onClick={onDone}>
          Cancel
        </button>
      </div>
      {error && (
        <p id="card-error" role="alert" className={styles.error}>
          {error.message}
        </p>
      )}
    </form>
  );
}
