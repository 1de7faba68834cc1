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
import { QuestionPanel } from "../questions/question-panel";
import { useQuestion } from "../questions/use-question";

interface Props extends SessionPanelContext {
  feed: ReplayFeed;
  code: string;
  /** Where phones join; undefined when none can reach this server (`joinProblem` says why). */
  joinUrl: string | undefined;
  joinQrSvg: string | undefined;
  joinProblem: string | undefined;
}

export const ConsolePanel = memo(function ConsolePanel({ client, view, clock, presence, send, feed, code, joinUrl, joinQrSvg, joinProblem }: Props) {
  useRenderCount("console");
  const question = useQuestion(client, view.sessionId, true);
  return (
    <section className={styles.console} aria-label="Presenter console">
      <div className={styles.card}>
        <h2 className={styles.heading}>Students join</h2>
        <p className={styles.code} data-testid="join-code" aria-label={`Join code ${formatJoinCode(code).split("").join(" ")}`}>
          {formatJoinCode(code)}
        </p>
        {joinUrl && <p className={styles.url} data-testid="join-url">{joinUrl.replace(/^https?:\/\//, "")}</p>}
        {joinQrSvg && <span className={styles.qr} role="img" aria-label="QR code of the join link" data-testid="join-qr" dangerouslySetInnerHTML={{ __html: joinQrSvg }} />}
        {joinProblem && (
          <p className="notice notice-error" role="alert" data-testid="join-problem">
            {joinProblem}
          </p>
        )}
      </div>
      <ClassCard view={view} presence={presence} send={send} code={code} />
      <QuestionPanel state={question} following={presence?.followers} />
      <NextCard view={view} clock={clock} send={send} feed={feed} />
    </section>
  );
});
