"use client";

/** The projector's lobby: how to join, large, and how many have joined (when it shows: use-lobby.ts). */
import { formatJoinCode } from "@/domain/join-code";
import styles from "./lobby.module.css";

interface Props {
  code: string;
  url: string;
  qrSvg: string | undefined;
  /** Students' devices following the session; undefined while unknown. */
  followers: number | undefined;
}

export function Lobby({ code, url, qrSvg, followers }: Props) {
  const joined = followers;
  return (
    <section className={styles.lobby} aria-labelledby="lobby-title" data-testid="lobby">
      {qrSvg && <span className={styles.qr} role="img" aria-label={`QR code for ${url}`} dangerouslySetInnerHTML={{ __html: qrSvg }} />}
      <div className={styles.words}>
        <h2 className={styles.title} id="lobby-title">
          Join the class
        </h2>
        <p className={styles.how}>
          Scan the code, or open <strong className={styles.url}>{url.replace(/^https?:\/\//, "")}</strong>
        </p>
        <p className={styles.how}>
          Session code <strong className={styles.code} data-testid="lobby-code">{formatJoinCode(code)}</strong>
        </p>
        <p className={styles.count} data-testid="lobby-count" role="status">
          {joined === undefined ? "The replay starts when your teacher presses Play." : joined === 1 ? "1 has joined" : `${joined} have joined`}
        </p>
      </div>
    </section>
  );
}
