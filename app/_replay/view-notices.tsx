"use client";

/** The lines above the clock: a refusal or a link's notice, a lost connection, and a follower's place in the class. */
import type { ReplayRole } from "./feed";
import type { ReplaySession } from "./use-replay-session";
import { JoinCode } from "../join-code";
import button from "../button.module.css";
import styles from "./replay-view.module.css";

export function ViewNotices({ session, role, code }: { session: ReplaySession; role: ReplayRole; code: string | undefined }) {
  const { view, client } = session;
  const detached = session.mode?.kind === "detached";
  return (
    <>
      {session.notice && (
        <p className="notice" role="status" data-testid="notice">
          {session.notice}
        </p>
      )}
      {!session.connected && (
        <p className="notice notice-offline" role="status" data-testid="offline">
          Connection lost. Reconnecting… Updates will catch up by themselves.
        </p>
      )}
      {role === "follower" && view && client && (
        <p className={detached ? `${styles.banner} ${styles.bannerDetached}` : styles.banner} data-testid="follow-state">
          {detached ? (
            <>
              <span>You are reading on your own; the class goes on.</span>
              <button type="button" className={`${button.button} ${button.primary}`} onClick={() => client.backToLive()}>
                Back to live
              </button>
            </>
          ) : (
            <span>Following the class live · session <JoinCode code={code ?? ""} />. Your controls only move your own view.</span>
          )}
        </p>
      )}
    </>
  );
}
