"use client";
/**
 * Deleting a feed: first says whether a session on it is live (deleting ends it), then asks for
 * the slug to be typed as confirmation.
 */
import { useState } from "react";
import button from "../../button.module.css";
import styles from "../library.module.css";
import { libraryFetch } from "../library-fetch";

type Live = { shared: number; solo: number };

export function DeleteForm({ slug }: { slug: string }) {
  const [live, setLive] = useState<Live>();
  const [typed, setTyped] = useState("");
  const [error, setError] = useState<string>();

  async function start() {
    const result = await libraryFetch<{ liveSessions: Live }>(`/api/library/feeds/${slug}`);
    if (result.ok) setLive(result.data.liveSessions);
    else setError(result.message);
  }

  async function confirm() {
    const result = await libraryFetch(`/api/library/feeds/${slug}?confirm=${encodeURIComponent(typed)}`, { method: "DELETE" });
    if (result.ok) window.location.assign("/library");
    else setError(result.message);
  }

  return (
    <section aria-labelledby="delete-title" className={styles.panel}>
      <h2 className="section-title" id="delete-title">
        Delete this feed
      </h2>
      {!live ? (
        <button type="button" className={button.button} onClick={() => void start()}>
          Delete…
        </button>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void confirm();
          }}
        >
          {live.shared + live.solo > 0 ? (
            <p className={styles.warning} role="alert">
              {live.shared} class session{live.shared === 1 ? " is" : "s are"} live on this feed, and {live.solo} solo replay{live.solo === 1 ? "" : "s"}.
              Deleting the feed ends {live.shared + live.solo === 1 ? "it" : "them"}.
            </p>
          ) : (
            <p>No session is live on this feed.</p>
          )}
          <p>Its updates, cards, moments and sessions are deleted; this cannot be undone. Export it first to keep a copy.</p>
          <label htmlFor="delete-confirm">
            Type <code>{slug}</code> to confirm
          </label>
          <div className={styles.row}>
            <input id="delete-confirm" value={typed} onChange={(e) => setTyped(e.currentTarget.value)} autoComplete="off" />
            <button type="submit" className={`${button.button} ${button.primary}`} disabled={typed !== slug}>
              Delete the feed
            </button>
          </div>
        </form>
      )}
      {error && (
        <p role="alert" className={styles.error}>
          {error}
        </p>
      )}
    </section>
  );
}
