"use client";

/**
 * The class sessions this browser presents, most recent first, with their
 * expiry: the teacher's way back to a class. Most visitors have none, so
 * luxon loads only when there is something to show.
 */
import type { DateTime as LuxonDateTime } from "luxon";
import { useEffect, useState } from "react";
import { formatJoinCode } from "@/domain/join-code";
import button from "./button.module.css";
import { forgetClass, savedClasses, type SavedClass } from "./class-sessions";
import styles from "./recent-sessions.module.css";

export function RecentSessions() {
  const [saved, setSaved] = useState<SavedClass[]>([]);
  const [DateTime, setDateTime] = useState<typeof LuxonDateTime | undefined>();
  useEffect(() => {
    const found = savedClasses();
    if (found.length === 0) return;
    void import("luxon").then((luxon) => {
      setDateTime(() => luxon.DateTime);
      setSaved(found);
    });
  }, []);
  if (saved.length === 0 || !DateTime) return null;
  const now = DateTime.now();
  return (
    <section aria-labelledby="recent-title" data-testid="recent-sessions">
      <h2 className="section-title" id="recent-title">
        Your class sessions
      </h2>
      <ul className={styles.list}>
        {saved.map((session) => {
          const expires = DateTime.fromISO(session.expiresAt);
          const expired = expires < now;
          return (
            <li key={session.code} className={styles.item}>
              {expired ? (
                <span className={styles.code}>{formatJoinCode(session.code)}</span>
              ) : (
                <a className={styles.code} href={`/s/${session.code}/control`}>
                  {formatJoinCode(session.code)}
                </a>
              )}{" "}
              {session.feedTitle}
              <span className={styles.meta}>
                {" "}
                · last used {DateTime.fromISO(session.lastUsedAt).toRelative()} ·{" "}
                {expired ? "expired" : `open until ${expires.toFormat("d LLL yyyy")}`}
              </span>{" "}
              <button
                type="button"
                className={`${button.button} ${button.link}`}
                onClick={() => {
                  forgetClass(session.code);
                  setSaved(savedClasses());
                }}
                aria-label={`Forget session ${formatJoinCode(session.code)} on this device`}
              >
                Forget
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
