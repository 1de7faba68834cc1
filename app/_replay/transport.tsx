"use client";

/**
 * The controls under the clock: previous, play, next, speed, quiet
 * stretches, jump, share, the zone entries are shown in, their order, and
 * (solo) starting a class session here. Re-rendered when the clock state or
 * a setting changes, never by time passing.
 */
import { memo, useState } from "react";
import type { ReplayClient } from "@/client/replay-client";
import type { Command } from "@/domain/protocol";
import { RATE_MAX, RATE_MIN, RATE_PRESETS } from "@/domain/replay/clock";
import { zoneLabel } from "@/domain/time";
import { sideZones, type ReplayFeed, type ReplayRole } from "./feed";
import { JumpBox } from "./jump-box";
import { useRenderCount } from "./render-count";
import { loadConnection } from "./load-connection";
import { timeTools } from "./time-tools";
import { useSimValue, type SimClock } from "./sim-clock";
import button from "../button.module.css";
import styles from "./transport.module.css";

/** "Skip quiet stretches": each passes in this long. */
const IDLE_LIMIT_MS = 3000;

interface Props {
  /** On the projector, a bar along the bottom. */
  projector: boolean;
  className?: string | undefined;
  feed: ReplayFeed;
  role: ReplayRole;
  client: ReplayClient | undefined;
  /** Whether the session is held yet. */
  ready: boolean;
  clock: SimClock;
  send: (command: Command) => Promise<boolean>;
  setNotice: (notice: string) => void;
  linkJumpHint: string | undefined;
  displayZone: string;
  setDisplayZone: (zone: string) => void;
  oldestFirst: boolean;
  toggleOldestFirst: () => void;
  /** Opens the find bar, folded away on a phone (the button shows there only). */
  onSearch: () => void;
}

export const Transport = memo(function Transport(props: Props) {
  useRenderCount("transport");
  const { feed, role, client, clock, send } = props;
  // What was asked for last, not yet what the room sees: the buttons answer a click at once, and a second click builds on it.
  const current = useSimValue(clock, (c) => c.controls);
  const [customRate, setCustomRate] = useState("");
  const [copied, setCopied] = useState<string | undefined>();
  const [starting, setStarting] = useState(false);

  const copyLink = () => {
    const sim = clock.sim;
    if (sim === undefined) return;
    void timeTools().then(({ formatForUrl }) => {
      const url = `${window.location.origin}/replay/${feed.slug}?t=${encodeURIComponent(formatForUrl(Math.floor(sim / 60_000) * 60_000, feed))}`;
      navigator.clipboard?.writeText(url).then(
        () => setCopied(`Copied: ${url}`),
        () => setCopied(url),
      ) ?? setCopied(url);
    });
  };

  const startClass = () => {
    if (!client) return;
    setStarting(true);
    // Loaded already: the client is there only once the connection's code is.
    loadConnection().then(({ startClassSession }) => startClassSession(client, feed, clock.sim, clock.clock)).catch((caught: unknown) => {
      setStarting(false);
      props.setNotice(`Could not start a class session: ${caught instanceof Error ? caught.message : String(caught)}`);
    });
  };

  return (
    <section className={[styles.transport, props.projector && styles.projector, props.className].filter(Boolean).join(" ")} aria-label="Controls">
      <button type="button" className={button.button} onClick={() => send({ type: "step", direction: -1 })} aria-label="Previous entry">
        <span aria-hidden="true">‹ </span>Previous
      </button>
      <button type="button" className={`${button.button} ${button.primary}`} onClick={() => send({ type: current?.playing ? "pause" : "play" })}>
        {current?.playing ? "Pause" : "Play"}
      </button>
      <button type="button" className={button.button} onClick={() => send({ type: "step", direction: 1 })} aria-label="Next entry">
        Next<span aria-hidden="true"> ›</span>
      </button>
      <button type="button" className={`${button.button} ${styles.phoneOnly}`} onClick={props.onSearch}>
        Search
      </button>
      <span className={styles.speeds} role="group" aria-label="Speed">
        {RATE_PRESETS.map((rate) => (
          <button key={rate} type="button" className={button.button} aria-pressed={current?.rate === rate} onClick={() => send({ type: "rate", rate })}>
            {rate}×
          </button>
        ))}
        <form
          onSubmit={(event) => {
            event.preventDefault();
            const rate = Number(customRate);
            if (Number.isFinite(rate) && rate >= RATE_MIN && rate <= RATE_MAX) void send({ type: "rate", rate });
          }}
        >
          <label className="visually-hidden" htmlFor="custom-rate">
            Custom speed
          </label>
          <input id="custom-rate" className={`${styles.field} ${styles.rate}`} type="number" min={RATE_MIN} max={RATE_MAX} step="any" placeholder="×" value={customRate} onChange={(event) => setCustomRate(event.target.value)} />
        </form>
      </span>
      <button
        type="button"
        className={button.button}
        aria-pressed={current?.idleLimitMs != null}
        onClick={() => send({ type: "idle", limitMs: current?.idleLimitMs != null ? null : IDLE_LIMIT_MS })}
        title="Quiet stretches pass in 3 seconds"
      >
        Skip quiet stretches
      </button>
      <JumpBox feed={feed} send={send} linkHint={props.linkJumpHint} />
      <button type="button" className={button.button} onClick={copyLink}>
        Copy link to this moment
      </button>
      <label className={styles.zone}>
        Times in{" "}
        <select value={props.displayZone} onChange={(event) => props.setDisplayZone(event.target.value)}>
          <option value={feed.eventZone}>{zoneLabel(feed.eventZone)}</option>
          {sideZones(feed).map(({ label, zone }) => (
            <option key={label} value={zone}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className={button.button} aria-pressed={props.oldestFirst} onClick={props.toggleOldestFirst}>
        Oldest first
      </button>
      {role === "solo" && (
        // The moment comes from now alone, so the address keeps it: a reload finds the same mapping.
        <a className={`${button.button} ${styles.linkButton}`} href={`/replay/${feed.slug}?clock=today`} title="Play at 1× with today's time of day on the event day">
          Today&apos;s clock
        </a>
      )}
      {role === "solo" && (
        <button type="button" className={button.button} disabled={starting || !props.ready} onClick={startClass}>
          Start a class session
        </button>
      )}
      {copied && (
        <span className={`${styles.copied} copied`} role="status">
          {copied}
        </span>
      )}
    </section>
  );
});
