"use client";
/**
 * Entering the library key, once per browser: the key is exchanged for a cookie and dropped
 * from the address bar. A link with ?key= (as printed at start-up) enters it by itself.
 */
import { useEffect, useRef, useState } from "react";
import button from "../button.module.css";
import styles from "./library.module.css";
import { jsonBody, libraryFetch } from "./library-fetch";

export function KeyForm({ initialKey }: { initialKey?: string }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const tried = useRef(false);

  async function enter(key: string) {
    setBusy(true);
    setError(undefined);
    const result = await libraryFetch("/api/library/session", jsonBody("POST", { key }));
    setBusy(false);
    if (result.ok) window.location.replace(window.location.pathname);
    else setError(result.message);
  }

  useEffect(() => {
    if (initialKey && !tried.current) {
      tried.current = true;
      void enter(initialKey);
    }
  }, [initialKey]);

  return (
    <form
      className={styles.panel}
      aria-labelledby="key-title"
      onSubmit={(event) => {
        event.preventDefault();
        void enter(String(new FormData(event.currentTarget).get("key") ?? ""));
      }}
    >
      <h2 className="section-title" id="key-title">
        Enter the library key
      </h2>
      <p className={styles.hint}>
        Importing, annotating and deleting feeds needs the library key. The server printed it, with a link, the first time it started (or it is
        the <code>RELIVE_ADMIN_KEY</code> it was given). Watching and class sessions need no key.
      </p>
      <label htmlFor="library-key">Library key</label>
      <div className={styles.row}>
        <input id="library-key" name="key" type="password" required autoComplete="off" aria-describedby={error ? "key-error" : undefined} aria-invalid={error ? true : undefined} />
        <button type="submit" className={`${button.button} ${button.primary}`} disabled={busy}>
          Enter
        </button>
      </div>
      {error && (
        <p id="key-error" role="alert" className={styles.error}>
          {error}
        </p>
      )}
    </form>
  );
}

/** Drops the library cookie in this browser. */
export function ForgetKeyButton() {
  return (
    <button
      type="button"
      className={`${button.button} ${button.link}`}
      onClick={async () => {
        await libraryFetch("/api/library/session", { method: "DELETE" });
        window.location.replace("/library");
      }}
    >
      Forget the key in this browser
    </button>
  );
}
