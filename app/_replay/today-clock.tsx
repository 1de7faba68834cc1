"use client";

/**
 * "Today's clock" (?clock=today): the replay runs at 1× with today's time of
 * day in the event's zone mapped onto the event day (domain/replay/today.ts).
 * This line says so; before the coverage it counts down and starts the replay
 * when the moment comes; after the coverage it says it is over. Ticks once a
 * wall second, on its own: nothing else renders for it.
 */
import { useEffect, useRef, useState } from "react";
import type { Command } from "@/domain/protocol";
import type { Timeline } from "@/domain/replay/clock";
import { longDate, wallClock, zoneLabel } from "@/domain/time";
import type { ReplayFeed } from "./feed";
import { duration } from "./next-update";
import styles from "./replay-view.module.css";
import { useTimeTools, type TimeTools } from "./time-tools";

interface Props {
  feed: ReplayFeed;
  timeline: Timeline | undefined;
  send: (command: Command) => Promise<boolean>;
}

/** Shown once the mapping's zone arithmetic (luxon, time-tools.ts) has loaded. */
export function TodayClock(props: Props) {
  const tools = useTimeTools();
  return tools ? <TodayLine {...props} tools={tools} /> : null;
}

function TodayLine({ feed, timeline, send, tools: { todayOnEventDay, todayPhase } }: Props & { tools: TimeTools }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const mapped = todayOnEventDay(now, feed.eventZone, feed.eventDate);
  const phase = timeline ? todayPhase(mapped, timeline).phase : undefined;

  // The countdown ran out: play from today's moment (the session waited paused at the start).
  const lastPhase = useRef(phase);
  useEffect(() => {
    if (lastPhase.current === "before" && phase === "during") void send({ type: "seek", to: mapped }).then((ok) => ok && send({ type: "play" }));
    lastPhase.current = phase;
  }, [phase, mapped, send]);

  if (!timeline) return null;
  const zone = zoneLabel(feed.eventZone);
  const at = (ms: number) => `${wallClock(ms, feed.eventZone, false)} ${zone}`;
  const verdict = todayPhase(mapped, timeline);
  let text: string;
  if (verdict.phase === "before") text = `The coverage starts in ${duration(verdict.startsInMs)}, at ${at(timeline.start)} today.`;
  else if (verdict.phase === "after") text = `The coverage ended at ${at(timeline.end)}; come back tomorrow from ${at(timeline.start)}.`;
  else text = `It is ${at(mapped)} today: this is what had been published by ${at(mapped)} on ${longDate(new Date(mapped).toISOString(), feed.eventZone)}.`;
  return (
    <p className={styles.offers} role="status" data-testid="today-clock" data-phase={verdict.phase}>
      <strong>Today&apos;s clock.</strong> {text}
    </p>
  );
}
