"use client";

/**
 * The big clock: the simulated time in the event's zone (redrawn every frame
 * while it moves, the only text that is), the same minute in other zones,
 * time since coverage start, play state, and on the projector how to join.
 */
import { memo, useMemo } from "react";
import { wallClock, zoneLabel } from "@/domain/time";
import { sideZones, type ReplayFeed } from "./feed";
import { elapsed, formatRate } from "./format";
import { useRenderCount } from "./render-count";
import type { Timeline } from "@/domain/replay/clock";
import { NextUpdate } from "./next-update";
import { useSimValue, type SimClock } from "./sim-clock";
import styles from "./clock-bar.module.css";

interface Props {
  feed: ReplayFeed;
  clock: SimClock;
  /** The class's join link and its QR code, shown on the projector. */
  join?: { url: string; qrSvg: string | undefined } | undefined;
  projector: boolean;
  /** Given, the bar says when the next update falls due. */
  timeline?: Timeline | undefined;
}

export const ClockBar = memo(function ClockBar({ feed, clock, join, projector, timeline }: Props) {
  return (
    <section className={projector ? `${styles.bar} ${styles.projector}` : styles.bar} aria-label="Replay clock">
      <div className="clock-main">
        <ClockReadout clock={clock} zone={feed.eventZone} />
        <span className={`${styles.zone} clock-zone`}>{zoneLabel(feed.eventZone)}</span>
        <PreviewMark clock={clock} />
      </div>
      <div className={`${styles.alt} clock-alt`}>
        <SideClocks clock={clock} feed={feed} />
        <Elapsed clock={clock} coverageStart={feed.coverageStart} />
        <PlayState clock={clock} />
        <NextUpdate clock={clock} timeline={timeline} />
      </div>
      {join && (
        <aside className={styles.join} aria-label="Join this class" data-testid="projector-join">
          {join.qrSvg && <span className={styles.qr} dangerouslySetInnerHTML={{ __html: join.qrSvg }} />}
          <span>
            Join at <strong>{join.url.replace(/^https?:\/\//, "")}</strong>
          </span>
        </aside>
      )}
    </section>
  );
});

/** HH:mm:ss, re-rendered when the second changes. */
function ClockReadout({ clock, zone }: { clock: SimClock; zone: string }) {
  useRenderCount("clock");
  const second = useSimValue(clock, (c) => (c.shown === undefined ? undefined : Math.floor(c.shown / 1000)));
  return (
    <span className={styles.time} data-testid="sim-clock">
      {second === undefined ? "--:--:--" : wallClock(second * 1000, zone, true)}
    </span>
  );
}

function PreviewMark({ clock }: { clock: SimClock }) {
  const previewing = useSimValue(clock, (c) => c.preview !== null);
  return previewing ? <span className={`${styles.preview} clock-preview`}>preview</span> : null;
}

/** The same minute in the side zones. */
function SideClocks({ clock, feed }: { clock: SimClock; feed: ReplayFeed }) {
  useRenderCount("clock");
  const zones = useMemo(() => sideZones(feed), [feed]);
  const minute = useSimValue(clock, (c) => (c.shown === undefined ? undefined : Math.floor(c.shown / 60_000)));
  return zones.map(({ label, zone }) => (
    <span key={label}>
      {minute === undefined ? "--:--" : wallClock(minute * 60_000, zone, false)} {label}
    </span>
  ));
}

function Elapsed({ clock, coverageStart }: { clock: SimClock; coverageStart: string }) {
  const start = Date.parse(coverageStart);
  const text = useSimValue(clock, (c) => (c.shown === undefined ? "" : elapsed(c.shown - start)));
  return <span data-testid="elapsed">{text}</span>;
}

/** "Playing · 2×": from the clock in force, which changes when a command takes effect. */
function PlayState({ clock }: { clock: SimClock }) {
  const text = useSimValue(clock, (c) => (c.clock ? `${c.clock.playing ? "Playing" : "Paused"} · ${formatRate(c.clock.rate)}` : "Connecting…"));
  return <span data-testid="play-state">{text}</span>;
}
