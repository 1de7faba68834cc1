"use client";

/** A class session's page in the browser: the replay view in the role the URL gives, with the console for the presenter. */
import { useCallback, useMemo } from "react";
import { ConsolePanel } from "../../_replay/console/console-panel";
import { ReplayView, type ReplayFeed, type ReplayMode, type SessionPanelContext } from "../../_replay/replay-view";

export type SessionRole = "follower" | "projector" | "presenter";

interface Props {
  feed: ReplayFeed;
  code: string;
  role: SessionRole;
  joinUrl: string | undefined;
  joinQrSvg: string | undefined;
  joinProblem: string | undefined;
}

export function SessionView({ feed, code, role, joinUrl, joinQrSvg, joinProblem }: Props) {
  const mode = useMemo<ReplayMode>(() => ({ kind: "session", code, role }), [code, role]);
  const panel = useCallback(
    (context: SessionPanelContext) => <ConsolePanel {...context} feed={feed} code={code} joinUrl={joinUrl} joinQrSvg={joinQrSvg} joinProblem={joinProblem} />,
    [feed, code, joinUrl, joinQrSvg, joinProblem],
  );
  return (
    <ReplayView
      feed={feed}
      mode={mode}
      projector={role === "projector"}
      joinUrl={joinUrl}
      joinQrSvg={joinQrSvg}
      sessionPanel={role === "presenter" ? panel : undefined}
    />
  );
}
