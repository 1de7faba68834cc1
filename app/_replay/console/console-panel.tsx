"use client";

/**
 * The presenter's own panel, in three cards: how students join, the class
 * (who follows and how well, the projector, the remote, the expiry), and a
 * private look at what comes next, with "What happens next?" pause points.
 */
import { memo } from "react";
import { formatJoinCode } from "@/domain/join-code";
import type { SessionPanelContext } from "../replay-view";
import type { ReplayFeed } from "../feed";
import { useRenderCount } from "../render-count";
import { ClassCard } from "./class-card";
import styles from "./console.module.css";
import { NextCard } from "./next-card";

interface Props extends SessionPanelContext {
  feed: ReplayFeed;
  code: string;
  joinUrl: string;
  joinQrSvg: string | undefined;
}

export const ConsolePanel = memo(function ConsolePanel({ view, clock, presence, send, feed, code, joinUrl, joinQrSvg }: Props) {
  useRenderCount("console");
  return (
    <section className={styles.console} aria-label="Presenter console">
      <div className={styles.card}>
        <h2 className={styles.heading}>Students join</h2>
        <p className={styles.code} data-testid="join-code" aria-label={`Join code ${formatJoinCode(code).split("").join(" ")}`}>
          {formatJoinCode(code)}
        </p>
        <p className={styles.url}>{joinUrl.replace(/^https?:\/\//, "")}</p>
        {joinQrSvg && <span className={styles.qr} role="img" aria-label="QR code of the join link" dangerouslySetInnerHTML={{ __html: joinQrSvg }} />}
      </div>
      <ClassCard view={view} presence={presence} send={send} code={code} />
      <NextCard view={view} clock={clock} send={send} feed={feed} />
    </section>
  );
});
