"use client";

/**
 * The solo replay: a session created on demand, driven by the server's
 * clock through client/replay-client.ts. The page computes simulated time
 * every frame from the clock state; entries appear once it reaches them.
 */
import { DateTime } from "luxon";
import { useEffect, useRef, useState } from "react";
import { io } from "socket.io-client";
import { ReplayClient, RequestRefused, type ReplaySocket, type SessionView } from "@/client/replay-client";
import type { FeedCard } from "@/domain/feed";
import type { DataNote } from "@/domain/feed-model";
import type { Command } from "@/domain/protocol";
import { PROTOCOL_VERSION } from "@/domain/protocol-version";
import { entriesShownAt, RATE_PRESETS } from "@/domain/replay/clock";
import { parseJumpTime } from "@/domain/replay/jump";
import { EntryView } from "./entry-view";

export interface ReplayFeed {
  slug: string;
  eventDate: string;
  publishedZone: string;
  eventZone: string;
  coverageStart: string;
  cards: FeedCard[];
  notes: DataNote[];
}

interface Props {
  feed: ReplayFeed;
  /** Raw query parameters; validated here. */
  t: string | undefined;
  speed: string | undefined;
  play: boolean;
}

const STORAGE_KEY = (slug: string) => `relive:solo:${slug}`;

export function ReplayView({ feed, t, speed, play }: Props) {
  const clientRef = useRef<ReplayClient | null>(null);
  const [view, setView] = useState<SessionView | undefined>();
  const [sim, setSim] = useState<number | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [jumpInput, setJumpInput] = useState("");
  const [jumpError, setJumpError] = useState<string | undefined>();
  const [revealed, setRevealed] = useState<Set<string>>(new Set());
  const [, setTick] = useState(0);

  useEffect(() => {
    const socket = io({ auth: { protocol: PROTOCOL_VERSION }, transports: ["websocket"] }) as ReplaySocket;
    const client = new ReplayClient(socket);
    clientRef.current = client;
    const off = client.on(() => {
      setView(client.view && { ...client.view });
      setTick((n) => n + 1);
    });
    let cancelled = false;

    (async () => {
      const saved = readSaved(feed.slug);
      let resumed = false;
      if (saved && t === undefined) {
        try {
          await client.join({ sessionId: saved.sessionId }, saved.secret);
          resumed = true;
        } catch {
          // expired or unknown: start afresh
        }
      }
      if (!resumed) {
        const { secret } = await client.create(feed.slug, "solo");
        sessionStorage.setItem(STORAGE_KEY(feed.slug), JSON.stringify({ sessionId: client.view!.sessionId, secret }));
        if (t !== undefined) {
          const parsed = parseJumpTime(t, feed);
          if (parsed.ok) await client.control({ type: "seek", to: parsed.ms });
          else setNotice(`The link's time "${t.slice(0, 40)}" could not be read (${parsed.reason}), so the replay starts at the beginning.`);
        }
        const rate = speed === undefined ? undefined : Number(speed);
        if (rate !== undefined) {
          if (Number.isFinite(rate) && rate >= 0.1 && rate <= 3600) await client.control({ type: "rate", rate });
          else setNotice((n) => `${n ? `${n} ` : ""}The speed "${speed!.slice(0, 20)}" is not between 0.1 and 3600, so it stays at 1×.`);
        }
        if (play) await client.control({ type: "play" });
      }
      if (!cancelled) setView(client.view && { ...client.view });
    })().catch((caught: unknown) => {
      if (!cancelled) setError(caught instanceof RequestRefused ? caught.message : "Could not reach the Relive server. Is it running?");
    });

    let frame = 0;
    const loop = () => {
      setSim(client.simTime());
      frame = requestAnimationFrame(loop);
    };
    frame = requestAnimationFrame(loop);
    return () => {
      cancelled = true;
      cancelAnimationFrame(frame);
      off();
      client.close();
      socket.disconnect();
    };
  }, [feed, t, speed, play]);

  const client = clientRef.current;
  const send = (command: Command) => {
    client?.control(command).catch((caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)));
  };

  const current = client?.currentClock();
  const shown = view && sim !== undefined ? view.entries.slice(0, entriesShownAt(view.timeline, sim)) : [];
  const newestFirst = [...shown].reverse();
  const noteByEntry = new Map(feed.notes.flatMap((note) => note.entryKeys.map((key) => [key, note.message] as const)));

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement) return;
      const c = clientRef.current;
      const state = c?.currentClock();
      const now = c?.simTime();
      if (!c || !state || now === undefined) return;
      const minute = event.shiftKey ? 10 * 60_000 : 60_000;
      const act = (command: Command) => {
        event.preventDefault();
        c.control(command).catch(() => undefined);
      };
      switch (event.key) {
        case " ":
        case "k":
          return act({ type: state.playing ? "pause" : "play" });
        case "j":
        case "J":
          return act({ type: "seek", to: now - minute });
        case "l":
        case "L":
          return act({ type: "seek", to: now + minute });
        case "ArrowLeft":
        case "PageUp":
          return act({ type: "step", direction: -1 });
        case "ArrowRight":
        case "PageDown":
          return act({ type: "step", direction: 1 });
        case "Home":
          return act({ type: "seek", to: c.view!.timeline.start - 60_000 });
        case "End":
          return act({ type: "seek", to: c.view!.timeline.end });
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  if (error) return <p className="notice notice-error" role="alert">{error}</p>;

  const simIso = sim === undefined ? undefined : new Date(sim).toISOString();
  const start = Date.parse(feed.coverageStart);
  return (
    <div className="replay">
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <section className="clock-bar" aria-label="Replay clock">
        <div className="clock-main">
          <span className="clock-time" data-testid="sim-clock">
            {simIso ? DateTime.fromISO(simIso, { zone: feed.eventZone }).toFormat("HH:mm:ss") : "--:--:--"}
          </span>
          <span className="clock-zone">Helsinki</span>
        </div>
        <div className="clock-alt">
          <span>{simIso ? DateTime.fromISO(simIso, { zone: feed.publishedZone }).toFormat("HH:mm") : "--:--"} {feed.publishedZone}</span>
          <span>{sim === undefined ? "" : elapsed(sim - start)}</span>
          <span>{current ? `${current.playing ? "Playing" : "Paused"} · ${formatRate(current.rate)}` : "Connecting…"}</span>
        </div>
      </section>
      <section className="transport" aria-label="Controls">
        <button type="button" onClick={() => send({ type: "step", direction: -1 })} aria-label="Previous entry">
          ‹ Prev
        </button>
        <button type="button" className="primary" onClick={() => send({ type: current?.playing ? "pause" : "play" })}>
          {current?.playing ? "Pause" : "Play"}
        </button>
        <button type="button" onClick={() => send({ type: "step", direction: 1 })} aria-label="Next entry">
          Next ›
        </button>
        <span className="speeds" role="group" aria-label="Speed">
          {RATE_PRESETS.map((rate) => (
            <button key={rate} type="button" aria-pressed={current?.rate === rate} onClick={() => send({ type: "rate", rate })}>
              {rate}×
            </button>
          ))}
        </span>
        <form
          className="jump"
          onSubmit={(event) => {
            event.preventDefault();
            const parsed = parseJumpTime(jumpInput, feed);
            if (!parsed.ok) return setJumpError(parsed.reason);
            setJumpError(undefined);
            send({ type: "seek", to: parsed.ms });
          }}
        >
          <label htmlFor="jump-input">Jump to</label>
          <input id="jump-input" value={jumpInput} placeholder="15:11, 18:11 Helsinki" onChange={(event) => setJumpInput(event.target.value)} />
          <button type="submit">Go</button>
          {jumpError && <span className="jump-error" role="alert">{jumpError}</span>}
        </form>
      </section>
      <div className="replay-body">
        <ol className="entries" aria-live="polite" data-testid="entries">
          {newestFirst.map((entry) => (
            <EntryView key={entry.id} entry={entry} eventZone={feed.eventZone} publishedZone={feed.publishedZone} note={noteByEntry.get(entry.key)} />
          ))}
          {shown.length === 0 && <li className="empty">Nothing published yet. Press Play.</li>}
        </ol>
        <aside className="cards" aria-label="Context cards">
          <h2 className="section-title">Context</h2>
          {feed.cards
            .filter((card) => view?.pinnedCards.includes(card.id))
            .map((card) => {
              const locked = sim === undefined || sim < Date.parse(card.knownFrom);
              const open = !locked || revealed.has(card.id);
              return (
                <article key={card.id} className={open ? "card" : "card card-locked"} data-card={card.id}>
                  <h3>{card.title}</h3>
                  {open ? (
                    <>
                      {card.body.split("\n\n").map((paragraph, index) => (
                        <p key={index}>{paragraph}</p>
                      ))}
                      <p className="card-source">
                        {card.source.outlet}, “{card.source.title}”, {card.source.date}
                      </p>
                    </>
                  ) : (
                    <p className="card-lock">
                      Written {DateTime.fromISO(card.knownFrom).setZone(feed.eventZone).toFormat("d LLLL yyyy")}, after this moment.{" "}
                      <button type="button" onClick={() => setRevealed(new Set([...revealed, card.id]))}>
                        Reveal anyway
                      </button>
                    </p>
                  )}
                </article>
              );
            })}
        </aside>
      </div>
    </div>
  );
}

function readSaved(slug: string): { sessionId: string; secret: string } | undefined {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY(slug));
    return raw ? (JSON.parse(raw) as { sessionId: string; secret: string }) : undefined;
  } catch {
    return undefined;
  }
}

function formatRate(rate: number): string {
  return `${Number.isInteger(rate) ? rate : rate.toFixed(1)}×`;
}

/** "T+03:21" since coverage start (or "T−00:40" in the pre-roll). */
function elapsed(ms: number): string {
  const sign = ms < 0 ? "−" : "+";
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  return `T${sign}${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}
