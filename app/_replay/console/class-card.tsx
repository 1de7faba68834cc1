"use client";

/** The console's class card: who follows and how well, the projector and its blanking, the session's expiry, the remote. */
import { useState } from "react";
import type { SessionView } from "@/client/replay-client";
import type { Command } from "@/domain/protocol";
import { SHARED_TTL_DAYS } from "@/domain/session-ttl";
import { clockTime, longDate } from "@/domain/time";
import { remoteLink, savedClass } from "../../class-sessions";
import button from "../../button.module.css";
import type { Presence } from "../feed";
import styles from "./console.module.css";

interface Props {
  view: SessionView;
  presence: Presence | undefined;
  send: (command: Command) => Promise<boolean>;
  code: string;
}

export function ClassCard({ view, presence, send, code }: Props) {
  const [remote, setRemote] = useState<{ url: string; qr: string } | undefined>();
  const showRemote = async () => {
    const secret = savedClass(code)?.secret;
    if (!secret) return;
    const url = remoteLink(window.location.origin, code, secret);
    const QRCode = (await import("qrcode")).default;
    setRemote({ url, qr: await QRCode.toString(url, { type: "svg", margin: 1, errorCorrectionLevel: "M" }) });
  };
  const sync = presence?.sync;
  const here = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const expires = `${longDate(view.expiresAt, here)}, ${clockTime(view.expiresAt, here)}`;
  return (
    <div className={styles.card}>
      <h2 className={styles.heading}>Class</h2>
      <p data-testid="follower-count">
        {presence
          ? `${presence.followers} following${presence.projectors > 0 ? ` · ${presence.projectors === 1 ? "1 projector" : `${presence.projectors} projectors`}` : ""}${presence.presenters > 1 ? `; ${presence.presenters} consoles` : ""}`
          : "Counting followers…"}
      </p>
      {sync && (
        <p data-testid="follower-sync">
          {sync.inSync} in sync · {sync.detached} reading on their own · {sync.lagging} lagging
          {sync.maxSkewMs !== null && (
            <>
              <br />
              clock skew: median {sync.medianSkewMs} ms, worst {sync.maxSkewMs} ms
            </>
          )}
        </p>
      )}
      <p>
        <a href={`/s/${code}/present`} target="relive-projector" data-testid="projector-link">
          Open the projector view
        </a>{" "}
        <span className={styles.hint}>(a new window: move it to the projector, press f)</span>
      </p>
      <p>
        <button type="button" className={button.button} aria-pressed={view.settings.blanked} onClick={() => void send({ type: "blank", blanked: !view.settings.blanked })} data-testid="blank-projector">
          {view.settings.blanked ? "Show the projector again" : "Blank the projector"}
        </button>{" "}
        <span className={styles.hint}>(b)</span>
      </p>
      <p className={styles.hint} data-testid="expiry">
        This session stays open until {expires}: {SHARED_TTL_DAYS} days after its last use. Resume it any time with the same code.
      </p>
      {remote ? (
        <div className={styles.remote} data-testid="remote">
          <p>
            <strong>Remote control.</strong> Open this on your phone to control the class from it too. Anyone with this link can control the
            session: do not show it on the projector.
          </p>
          <span className={styles.qr} role="img" aria-label="QR code of the remote control link" dangerouslySetInnerHTML={{ __html: remote.qr }} />
          <input readOnly value={remote.url} aria-label="Remote control link" onFocus={(event) => event.currentTarget.select()} />
          <button type="button" className={button.button} onClick={() => setRemote(undefined)}>
            Hide
          </button>
        </div>
      ) : (
        <button type="button" className={button.button} onClick={() => void showRemote()}>
          Control from another device…
        </button>
      )}
    </div>
  );
}
