"use client";
/** A feed's context cards: the list, with when each unlocks, and the form to add or edit one. */
import { useState } from "react";
import type { FeedCard } from "@/domain/feed";
import button from "../../button.module.css";
import styles from "../library.module.css";
import { libraryFetch } from "../library-fetch";
import { CardForm } from "./card-form";
import { describeUnlock, type UnlockFeed } from "./unlock";

export function CardsSection({ slug, feed, cards }: { slug: string; feed: UnlockFeed; cards: FeedCard[] }) {
  const [editing, setEditing] = useState<FeedCard | "new">();
  const [error, setError] = useState<string>();
  const reload = () => window.location.reload();

  async function remove(card: FeedCard) {
    if (!window.confirm(`Delete the card "${card.title}"?`)) return;
    const result = await libraryFetch(`/api/library/feeds/${slug}/cards/${encodeURIComponent(card.id)}`, { method: "DELETE" });
    if (result.ok) reload();
    else setError(result.message);
  }

  return (
    <section aria-labelledby="cards-title">
      <h2 className="section-title" id="cards-title">
        Context cards ({cards.length})
      </h2>
      {cards.length > 0 && (
        <ul className={styles.cardList}>
          {cards.map((card) => (
            <li key={card.id} className={styles.panel}>
              <h3 className={styles.feedTitle}>
                {card.title} <span className={styles.from}>({card.category}{card.pinnedByDefault ? ", pinned" : ""})</span>
              </h3>
              <p className={styles.unlock}>{describeUnlock(card.knownFrom, feed)}</p>
              <p className={styles.hint}>
                {card.source.outlet}, “{card.source.title}”, {card.source.date}
                {card.aliases.length > 0 && <> · aliases: {card.aliases.join(", ")}</>} · linked to {card.entryIds.length} updates
              </p>
              <div className={styles.row}>
                <button type="button" className={`${button.button} ${button.small}`} onClick={() => setEditing(card)}>
                  Edit
                </button>
                <button type="button" className={`${button.button} ${button.small}`} onClick={() => void remove(card)}>
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p role="alert" className={styles.error}>
          {error}
        </p>
      )}
      {editing ? (
        <CardForm key={editing === "new" ? "new" : editing.id} slug={slug} feed={feed} editing={editing === "new" ? undefined : editing} onDone={reload} />
      ) : (
        <button type="button" className={button.button} onClick={() => setEditing("new")}>
          Add a card
        </button>
      )}
    </section>
  );
}
