"use client";

/**
 * The console's private look ahead: the next update (only the presenter sees
 * it) and the pause points, "What happens next? Pause before…". Renders when
 * an entry is published or a setting changes, not as time passes.
 */
import { useRef, useState } from "react";
import type { SessionView } from "@/client/replay-client";
import type { Command, SessionSettings } from "@/domain/protocol";
import { entriesShownAt } from "@/domain/replay/clock";
import { clockTime } from "@/domain/time";
import type { ReplayFeed } from "../feed";
import { useFeedEntries } from "../full-feed";
import { useRenderCount } from "../render-count";
import { useSimValue, type SimClock } from "../sim-clock";
import button from "../../button.module.css";
import styles from "./console.module.css";

type PauseSettings = { mode: SessionSettings["pauseOn"]; markedEntryKeys: string[] };

/** Upcoming entries listed for pause points. */
const UPCOMING = 12;

interface Props {
  view: SessionView;
  clock: SimClock;
  send: (command: Command) => Promise<boolean>;
  feed: ReplayFeed;
}

export function NextCard({ view, clock, send, feed }: Props) {
  useRenderCount("console");
  const entries = useFeedEntries(feed.source, true);
  const timeline = view.timeline;
  const shown = useSimValue(clock, (c) => (c.sim === undefined ? 0 : entriesShownAt(timeline, c.sim)));
  const [showAll, setShowAll] = useState(false);
  // A ticked pause point shows ticked at once; the server's answer replaces it (or, if refused, undoes it).
  const [pendingPause, setPendingPause] = useState<PauseSettings | undefined>();
  const pauseRequests = useRef(0);
  const time = (iso: string) => clockTime(iso, feed.eventZone);

  const next = entries?.[shown];
  const upcoming = entries?.slice(shown, showAll ? undefined : shown + UPCOMING) ?? [];
  const pause: PauseSettings = pendingPause ?? { mode: view.settings.pauseOn, markedEntryKeys: view.settings.markedEntryKeys };
  const marked = new Set(pause.mode === "marked" ? pause.markedEntryKeys : []);

  const setPause = (settings: PauseSettings) => {
    setPendingPause(settings);
    const request = ++pauseRequests.current;
    void send({ type: "pauseOn", ...settings }).then(() => {
      // The server's state has arrived (it is sent before the answer); show it, unless a later click is still on its way.
      if (request === pauseRequests.current) setPendingPause(undefined);
    });
  };
  const toggleMark = (key: string) => {
    const keys = new Set(pause.markedEntryKeys);
    if (marked.has(key)) keys.delete(key);
    else keys.add(key);
    setPause({ mode: keys.size > 0 ? "marked" : "off", markedEntryKeys: [...keys] });
  };

  // The library's suggested pause points still ahead of the class, and those not yet ticked.
  const suggested = new Set(feed.pauseKeys);
  const suggestedAhead = entries?.slice(shown).filter((entry) => suggested.has(entry.key)) ?? [];
  const suggestedUnticked = suggestedAhead.filter((entry) => !marked.has(entry.key));

  return (
    <div className={styles.card}>
      <h2 className={styles.heading}>Next (only you see this)</h2>
      {next ? (
        <article className={styles.nextEntry} data-testid="next-entry">
          <p className={`${styles.time} entry-time`}>{time(next.publishedAt)}</p>
          <h3>{next.title}</h3>
          <p>{next.body.length > 280 ? `${next.body.slice(0, 280)}…` : next.body}</p>
        </article>
      ) : (
        <p>{entries ? "Nothing more: this is the end of the feed." : "Loading…"}</p>
      )}
      <h3 className={styles.subheading}>What happens next? Pause before…</h3>
      <label className={styles.hint}>
        <input
          type="checkbox"
          checked={pause.mode === "every"}
          onChange={(event) => setPause({ mode: event.target.checked ? "every" : pause.markedEntryKeys.length ? "marked" : "off", markedEntryKeys: pause.markedEntryKeys })}
        />{" "}
        Stop at every update
      </label>
      {suggestedUnticked.length > 0 && pause.mode !== "every" && (
        <button
          type="button"
          className={button.button}
          onClick={() => setPause({ mode: "marked", markedEntryKeys: [...new Set([...pause.markedEntryKeys, ...suggestedUnticked.map((entry) => entry.key)])] })}
        >
          Pause at the {suggestedUnticked.length === 1 ? "suggested point" : `${suggestedUnticked.length} suggested points`}
        </button>
      )}
      <ul className={styles.pauseList} data-testid="pause-list">
        {upcoming.map((entry) => (
          <li key={entry.id}>
            <label>
              <input type="checkbox" checked={marked.has(entry.key)} onChange={() => toggleMark(entry.key)} disabled={pause.mode === "every"} />{" "}
              <span className={styles.time}>{time(entry.publishedAt)}</span> {entry.title}
              {suggested.has(entry.key) && <em className={styles.suggested}> · suggested</em>}
            </label>
          </li>
        ))}
      </ul>
      {entries && !showAll && entries.length - shown > UPCOMING && (
        <button type="button" className={button.button} onClick={() => setShowAll(true)}>
          Show all {entries.length - shown} upcoming
        </button>
      )}
    </div>
  );
}
