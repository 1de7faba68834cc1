"use client";

/**
 * The replay as a viewer sees it: a solo session created on demand, or a
 * class session followed, projected or presented. Driven by the server's
 * clock through client/replay-client.ts: the page computes simulated time
 * every frame from the clock state; entries appear once it reaches them.
 */
import { DateTime } from "luxon";
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { io } from "socket.io-client";
import { ReplayClient, request, RequestRefused, type ReplaySocket, type SessionView } from "@/client/replay-client";
import { cardLockClock } from "@/domain/card-logic";
import type { FeedCard } from "@/domain/feed";
import type { DataNote } from "@/domain/feed-model";
import { formatJoinCode } from "@/domain/join-code";
import type { Command, FollowerSync, ProtocolEntry } from "@/domain/protocol";
import { PROTOCOL_VERSION } from "@/domain/protocol-version";
import { bounds, entriesShownAt, RATE_MAX, RATE_MIN, RATE_PRESETS } from "@/domain/replay/clock";
import { describeJump, formatForUrl, parseJumpTime, type JumpFeed, type JumpResult } from "@/domain/replay/jump";
import { zoneLabel } from "@/domain/time";
import { saveClass, savedClass, takeKeyFromFragment } from "../../class-sessions";
import { CardsPanel } from "./cards-panel";
import { EntryView } from "./entry-view";
import { createCardMentionFinder } from "./marked-text";
import { Scrubber, type KeyMoment } from "./scrubber";

export interface ReplayFeed {
  slug: string;
  title: string;
  eventDate: string;
  publishedZone: string;
  eventZone: string;
  coverageStart: string;
  cards: FeedCard[];
  notes: DataNote[];
  /** Labelled moments on the scrubber (arrival, press conference...). */
  keyMoments: KeyMoment[];
}

/** Who is watching: a solo viewer (with the raw query parameters, validated here), or a class session's follower, projector or presenter. */
export type ReplayMode =
  | { kind: "solo"; t: string | undefined; speed: string | undefined; play: boolean }
  | { kind: "session"; code: string; role: "follower" | "projector" | "presenter" };

export interface Presence {
  followers: number;
  presenters: number;
  sync: FollowerSync;
}

/** What the presenter console (rendered inside the view) works with. */
export interface SessionPanelContext {
  client: ReplayClient;
  view: SessionView;
  /** Simulated time shown now. */
  sim: number;
  presence: Presence | undefined;
  /** Sends a command; resolves true once the server applied it, false if it was refused (the notice says why). */
  send: (command: Command) => Promise<boolean>;
}

interface Props {
  feed: ReplayFeed;
  mode: ReplayMode;
  projector: boolean;
  /** The class's join link, shown on the projector. */
  joinUrl?: string;
  joinQrSvg?: string;
  sessionPanel?: (context: SessionPanelContext) => ReactNode;
}

const STORAGE_KEY = (slug: string) => `relive:solo:${slug}`;
const IDLE_LIMIT_MS = 3000;
/** How long a new entry stays highlighted, in wall time. */
const FRESH_MS = 4000;
/** Entries rendered at once; older ones behind a button (a 10,000-entry feed stays fast). */
const LIST_PAGE = 100;
/** Entries rendered while the scrubber is dragged. */
const PREVIEW_PAGE = 12;

/** Zones beside the event's own: the feed's published zone, the two capitals, and the viewer's. */
function sideZones(feed: ReplayFeed): Array<{ label: string; zone: string }> {
  const mine = typeof Intl === "undefined" ? "UTC" : Intl.DateTimeFormat().resolvedOptions().timeZone;
  return [
    { label: feed.publishedZone, zone: feed.publishedZone },
    { label: "Moscow", zone: "Europe/Moscow" },
    { label: "Washington", zone: "America/New_York" },
    { label: "Your time", zone: mine },
  ];
}

export function ReplayView({ feed, mode, projector, joinUrl, joinQrSvg, sessionPanel }: Props) {
  const role = mode.kind === "solo" ? "solo" : mode.role;
  const code = mode.kind === "session" ? mode.code : null;
  const modeKey = JSON.stringify(mode);
  const clientRef = useRef<ReplayClient | null>(null);
  const [view, setView] = useState<SessionView | undefined>();
  const [sim, setSim] = useState<number | undefined>();
  const [preview, setPreview] = useState<number | null>(null);
  const [notice, setNotice] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [jumpInput, setJumpInput] = useState("");
  const [jumpError, setJumpError] = useState<string | undefined>();
  /** Where the last jump (typed, or the link's ?t=) landed, in the clock's zone and the blog's. */
  const [jumpHint, setJumpHint] = useState<string | undefined>();
  const [customRate, setCustomRate] = useState("");
  const [revealed, setRevealed] = useState<Set<string>>(new Set());
  const [displayZone, setDisplayZone] = useState(feed.eventZone);
  const [oldestFirst, setOldestFirst] = useState(false);
  const [blank, setBlank] = useState(false);
  const [help, setHelp] = useState(false);
  const [copied, setCopied] = useState<string | undefined>();
  const [announcement, setAnnouncement] = useState("");
  /** While the reader is scrolled away from the top, the list is held at this many entries. */
  const [heldAt, setHeldAt] = useState<number | null>(null);
  const [controlsVisible, setControlsVisible] = useState(!projector);
  const [openCardId, setOpenCardId] = useState<string | null>(null);
  /** The whole feed, fetched on the first scrubber drag, so the preview can show entries not yet sent. */
  const [allEntries, setAllEntries] = useState<ProtocolEntry[] | undefined>();
  const [listLimit, setListLimit] = useState(LIST_PAGE);
  const [presence, setPresence] = useState<Presence | undefined>();
  const [connected, setConnected] = useState(true);
  const [starting, setStarting] = useState(false);
  const finder = useMemo(() => createCardMentionFinder(feed.cards), [feed.cards]);
  const arrivedAt = useRef(new Map<string, number>());
  const lastShown = useRef(0);

  useEffect(() => {
    const socket = io({ auth: { protocol: PROTOCOL_VERSION }, transports: ["websocket"] }) as ReplaySocket;
    const client = new ReplayClient(socket);
    clientRef.current = client;
    const off = client.on((event) => {
      if (event.type === "presence") return setPresence({ followers: event.followers, presenters: event.presenters, sync: event.sync });
      if (event.type === "lost") return setError(event.message);
      setView(client.view && { ...client.view });
      // In the same render, not at the next frame: a key press shows its effect at once.
      setSim(client.simTime());
    });
    socket.on("disconnect", () => setConnected(false));
    socket.on("connect", () => setConnected(true));
    // The browser knows at once when the network goes; socket.io would wait for a missed heartbeat.
    // Closing the transport makes it reconnect (and rejoin) by itself once the network is back.
    const onOffline = () => socket.io.engine?.close();
    window.addEventListener("offline", onOffline);
    let cancelled = false;

    const connect = mode.kind === "solo" ? startSolo(client, feed, mode, setNotice, setJumpHint) : joinSession(client, feed, mode);
    connect
      .then(() => {
        if (!cancelled) setView(client.view && { ...client.view });
      })
      .catch((caught: unknown) => {
        if (!cancelled) setError(caught instanceof RequestRefused || caught instanceof NoPresenterKey ? caught.message : "Could not reach the Relive server. Is it running?");
      });

    let frame = 0;
    const loop = () => {
      setSim(client.simTime());
      frame = requestAnimationFrame(loop);
    };
    frame = requestAnimationFrame(loop);
    return () => {
      cancelled = true;
      window.removeEventListener("offline", onOffline);
      cancelAnimationFrame(frame);
      off();
      client.close();
      socket.disconnect();
    };
    // `mode` by value (modeKey): a parent may pass an equal object on every render.
  }, [feed, modeKey]);

  const send = useCallback(async (command: Command): Promise<boolean> => {
    const client = clientRef.current;
    if (!client) return false;
    try {
      await client.control(command);
      return true;
    } catch (caught) {
      setNotice(caught instanceof Error ? caught.message : String(caught));
      return false;
    }
  }, []);

  // The cards panel re-renders when a card unlocks or the pins change, not every frame.
  const sessionRevealed = view?.revealedCards;
  const allRevealed = useMemo(() => new Set([...revealed, ...(sessionRevealed ?? [])]), [revealed, sessionRevealed]);
  const revealCard = useCallback(
    (id: string) => (role === "presenter" ? send({ type: "reveal", card: id, revealed: true }) : setRevealed((previous) => new Set(previous).add(id))),
    [role, send],
  );
  const pinCard = useCallback((id: string, pinned: boolean) => send({ type: "pin", card: id, pinned }), [send]);
  const closeCard = useCallback(() => setOpenCardId(null), []);

  const client = clientRef.current;
  const current = client?.currentClock();
  const timeline = view?.timeline;
  const shownAt = preview ?? sim;
  const shownCount = view && timeline && shownAt !== undefined ? Math.min(view.entries.length, entriesShownAt(timeline, shownAt)) : 0;

  // Track arrivals (for the highlight and the live region) and the "new updates" hold.
  // What was published before the moment the page opened at does not "arrive", even if its text comes later.
  const openedAt = useRef<number | undefined>(undefined);
  const timeKnown = sim !== undefined;
  useEffect(() => {
    if (!view || preview !== null || sim === undefined) return;
    const opened = (openedAt.current ??= sim);
    const now = performance.now();
    const added = view.entries.slice(lastShown.current, shownCount).filter((_, i) => view.timeline.entryTimes[lastShown.current + i]! > opened);
    if (added.length > 0) {
      for (const entry of added) arrivedAt.current.set(entry.id, now);
      setAnnouncement(`${added.length === 1 ? "New update" : `${added.length} new updates`}: ${added.at(-1)!.title}`);
    }
    lastShown.current = shownCount;
    // `sim` is read once, for the opening moment: the effect need not run every frame.
  }, [shownCount, view, preview, timeKnown]);

  useEffect(() => {
    const onScroll = () => {
      const away = window.scrollY > 400;
      setHeldAt((held) => (away ? (held ?? lastShown.current) : null));
    };
    window.addEventListener("scroll", onScroll, { passive: true });
    return () => window.removeEventListener("scroll", onScroll);
  }, []);

  // Projector: controls appear on mouse move and fade after 3 s; keep the screen awake.
  useEffect(() => {
    if (!projector) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const show = () => {
      setControlsVisible(true);
      clearTimeout(timer);
      timer = setTimeout(() => setControlsVisible(false), 3000);
    };
    window.addEventListener("mousemove", show);
    let lock: { release(): Promise<void> } | undefined;
    const requestLock = async () => {
      try {
        const wakeLock = (navigator as Navigator & { wakeLock?: { request(type: "screen"): Promise<{ release(): Promise<void> }> } }).wakeLock;
        if (wakeLock && document.visibilityState === "visible") lock = await wakeLock.request("screen");
      } catch {
        // not allowed (no user gesture, battery saver): the screen may sleep
      }
    };
    void requestLock();
    const onVisible = () => void (document.visibilityState === "visible" && requestLock());
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      clearTimeout(timer);
      window.removeEventListener("mousemove", show);
      document.removeEventListener("visibilitychange", onVisible);
      void lock?.release().catch(() => undefined);
    };
  }, [projector]);

  // The keyboard map (also for presentation clickers: PageUp/PageDown, "." and b).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as Element | null;
      if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return;
      // Space and Enter on a focused button or summary press it; they are not shortcuts there.
      if ((event.key === " " || event.key === "Enter") && target?.closest("button, summary, [role=dialog]")) return;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const c = clientRef.current;
      const state = c?.currentClock();
      const now = c?.simTime();
      if (!c || !state || now === undefined || !c.view) return;
      // The projector follows the class: only its own screen keys work there.
      if (role === "projector" && !["b", ".", "f", "?", "Escape"].includes(event.key)) return;
      const t = c.view.timeline;
      const act = (command: Command) => {
        event.preventDefault();
        c.control(command).catch(() => undefined);
      };
      const minute = event.shiftKey ? 10 * 60_000 : 60_000;
      if (/^[0-9]$/.test(event.key)) {
        const { min, max } = bounds(t);
        return act({ type: "seek", to: min + ((max - min) * Number(event.key)) / 10 });
      }
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
        case "<":
          return act({ type: "rate", rate: nextRate(state.rate, -1) });
        case ">":
          return act({ type: "rate", rate: nextRate(state.rate, 1) });
        case "Home":
          return act({ type: "seek", to: bounds(t).min });
        case "End":
          return act({ type: "seek", to: t.end });
        case "b":
        case ".":
          // On the console, the class's projector goes blank, not the teacher's screen.
          if (role === "presenter") return act({ type: "blank", blanked: !c.view.settings.blanked });
          event.preventDefault();
          return setBlank((on) => !on);
        case "f":
          event.preventDefault();
          if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
          else void document.documentElement.requestFullscreen().catch(() => undefined);
          return;
        case "?":
          event.preventDefault();
          return setHelp((on) => !on);
        case "Escape":
          setHelp(false);
          return setBlank(false);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [role]);

  if (error) {
    return (
      <p className="notice notice-error" role="alert">
        {error}
      </p>
    );
  }

  const source = preview !== null && allEntries ? allEntries : (view?.entries ?? []);
  const previewCount = preview !== null && allEntries && timeline ? entriesShownAt(timeline, preview) : shownCount;
  const listCount = heldAt !== null && !oldestFirst && preview === null ? Math.min(heldAt, shownCount) : previewCount;
  const visible = source.slice(0, listCount);
  // On the projector the latest update is featured above the list, not repeated in it.
  const listed = projector ? visible.slice(0, -1) : visible;
  // While the scrubber is dragged the list changes at every step: render only what a screen can show.
  const limit = preview === null ? listLimit : Math.min(listLimit, PREVIEW_PAGE);
  const ordered = oldestFirst ? listed.slice(0, limit) : listed.slice(Math.max(0, listed.length - limit)).reverse();
  const hiddenEarlier = listed.length - ordered.length;
  const waiting = shownCount - listCount;
  const noteByEntry = new Map(feed.notes.flatMap((note) => note.entryKeys.map((key) => [key, note.message] as const)));
  const start = Date.parse(feed.coverageStart);
  const wallNow = typeof performance === "undefined" ? 0 : performance.now();
  const featured = projector ? view?.entries[shownCount - 1] : undefined;

  const copyLink = () => {
    if (sim === undefined) return;
    const url = `${window.location.origin}/replay/${feed.slug}?t=${encodeURIComponent(formatForUrl(Math.floor(sim / 60_000) * 60_000, feed))}`;
    navigator.clipboard?.writeText(url).then(
      () => setCopied(`Copied: ${url}`),
      () => setCopied(url),
    ) ?? setCopied(url);
  };

  return (
    <div className={`replay${projector ? " replay-projector" : ""}${controlsVisible ? "" : " controls-hidden"}`}>
      <p className="visually-hidden" aria-live="polite" role="status" data-testid="announcer">
        {announcement}
      </p>
      {notice && (
        <p className="notice" role="status" data-testid="notice">
          {notice}
        </p>
      )}
      {!connected && (
        <p className="notice notice-offline" role="status" data-testid="offline">
          Connection lost. Reconnecting… Updates will catch up by themselves.
        </p>
      )}
      {role === "follower" && view && (
        <p className={`session-banner${client?.detached ? " session-banner-detached" : ""}`} data-testid="follow-state">
          {client?.detached ? (
            <>
              <span>You are reading on your own; the class goes on.</span>
              <button type="button" className="primary" onClick={() => client.backToLive()}>
                Back to live
              </button>
            </>
          ) : (
            <span>Following the class live · session {formatJoinCode(code ?? "")}. Your controls only move your own view.</span>
          )}
        </p>
      )}
      <section className="clock-bar" aria-label="Replay clock">
        <div className="clock-main">
          <span className="clock-time" data-testid="sim-clock">
            {shownAt === undefined ? "--:--:--" : DateTime.fromMillis(shownAt, { zone: feed.eventZone }).toFormat("HH:mm:ss")}
          </span>
          <span className="clock-zone">{zoneLabel(feed.eventZone)}</span>
          {preview !== null && <span className="clock-preview">preview</span>}
        </div>
        <div className="clock-alt">
          {sideZones(feed).map(({ label, zone }) => (
            <span key={label}>
              {shownAt === undefined ? "--:--" : DateTime.fromMillis(shownAt, { zone }).toFormat("HH:mm")} {label}
            </span>
          ))}
          <span data-testid="elapsed">{shownAt === undefined ? "" : elapsed(shownAt - start)}</span>
          <span data-testid="play-state">{current ? `${current.playing ? "Playing" : "Paused"} · ${formatRate(current.rate)}` : "Connecting…"}</span>
        </div>
        {role === "projector" && joinUrl && (
          <aside className="projector-join" aria-label="Join this class" data-testid="projector-join">
            {joinQrSvg && <span className="projector-qr" dangerouslySetInnerHTML={{ __html: joinQrSvg }} />}
            <span>
              Join at <strong>{joinUrl.replace(/^https?:\/\//, "")}</strong>
            </span>
          </aside>
        )}
      </section>

      {view && sim !== undefined && role !== "projector" && (
        <div className="scrubber-wrap">
        <Scrubber
          timeline={view.timeline}
          titles={view.entries.slice(0, sim === undefined ? 0 : entriesShownAt(view.timeline, sim)).map((entry) => entry.title)}
          shownCount={entriesShownAt(view.timeline, sim)}
          sim={shownAt ?? sim}
          zone={feed.eventZone}
          zoneLabel={zoneLabel(feed.eventZone)}
          keyMoments={feed.keyMoments}
          onPreview={(ms) => {
            setPreview(ms);
            if (ms !== null && !allEntries) {
              fetch(`/api/feeds/${feed.slug}`)
                .then((response) => response.json())
                .then((detail: { entries: ProtocolEntry[] }) => setAllEntries(detail.entries))
                .catch(() => undefined);
            }
          }}
          onSeek={(to) => send({ type: "seek", to })}
        />
        </div>
      )}

      {role !== "projector" && <section className="transport" aria-label="Controls">
        <button type="button" onClick={() => send({ type: "step", direction: -1 })} aria-label="Previous entry">
          <span aria-hidden="true">‹ </span>Previous
        </button>
        <button type="button" className="primary" onClick={() => send({ type: current?.playing ? "pause" : "play" })}>
          {current?.playing ? "Pause" : "Play"}
        </button>
        <button type="button" onClick={() => send({ type: "step", direction: 1 })} aria-label="Next entry">
          Next<span aria-hidden="true"> ›</span>
        </button>
        <span className="speeds" role="group" aria-label="Speed">
          {RATE_PRESETS.map((rate) => (
            <button key={rate} type="button" aria-pressed={current?.rate === rate} onClick={() => send({ type: "rate", rate })}>
              {rate}×
            </button>
          ))}
          <form
            className="custom-rate"
            onSubmit={(event) => {
              event.preventDefault();
              const rate = Number(customRate);
              if (Number.isFinite(rate) && rate >= RATE_MIN && rate <= RATE_MAX) send({ type: "rate", rate });
            }}
          >
            <label className="visually-hidden" htmlFor="custom-rate">
              Custom speed
            </label>
            <input id="custom-rate" type="number" min={RATE_MIN} max={RATE_MAX} step="any" placeholder="×" value={customRate} onChange={(event) => setCustomRate(event.target.value)} />
          </form>
        </span>
        <button
          type="button"
          aria-pressed={current?.idleLimitMs != null}
          onClick={() => send({ type: "idle", limitMs: current?.idleLimitMs != null ? null : IDLE_LIMIT_MS })}
          title="Quiet stretches pass in 3 seconds"
        >
          Skip quiet stretches
        </button>
        <form
          className="jump"
          onSubmit={(event) => {
            event.preventDefault();
            const parsed = parseJumpTime(jumpInput, feed);
            if (!parsed.ok) {
              setJumpHint(undefined);
              return setJumpError(parsed.reason);
            }
            setJumpError(undefined);
            setJumpHint(jumpStatement(parsed, feed));
            send({ type: "seek", to: parsed.ms });
          }}
        >
          <label htmlFor="jump-input">Jump to</label>
          <input
            id="jump-input"
            value={jumpInput}
            placeholder={`hh:mm (${zoneLabel(feed.eventZone)} time)`}
            aria-describedby="jump-hint"
            onChange={(event) => {
              setJumpInput(event.target.value);
              setJumpHint(undefined);
            }}
          />
          <button type="submit">Go</button>
          {jumpError && <span className="jump-error">{jumpError}</span>}
          <span className="jump-hint" id="jump-hint" role="status" data-testid="jump-hint">
            {jumpHint}
          </span>
        </form>
        <button type="button" onClick={copyLink}>
          Copy link to this moment
        </button>
        <label className="zone-select">
          Times in{" "}
          <select value={displayZone} onChange={(event) => setDisplayZone(event.target.value)}>
            <option value={feed.eventZone}>{zoneLabel(feed.eventZone)}</option>
            {sideZones(feed).map(({ label, zone }) => (
              <option key={label} value={zone}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" aria-pressed={oldestFirst} onClick={() => setOldestFirst((on) => !on)}>
          Oldest first
        </button>
        {role === "solo" && (
          <button
            type="button"
            disabled={starting || !view}
            onClick={() => {
              if (!client) return;
              setStarting(true);
              startClassSession(client, feed, sim).catch((caught: unknown) => {
                setStarting(false);
                setNotice(`Could not start a class session: ${caught instanceof Error ? caught.message : String(caught)}`);
              });
            }}
          >
            Start a class session
          </button>
        )}
        {copied && (
          <span className="copied" role="status">
            {copied}
          </span>
        )}
      </section>}

      {role === "presenter" && client && view && sim !== undefined && sessionPanel?.({ client, view, sim, presence, send })}


      {featured && (
        <section className="featured" aria-label="Latest update">
          <ol className="featured-list">
            <EntryView entry={featured} eventZone={feed.eventZone} publishedZone={feed.publishedZone} />
          </ol>
        </section>
      )}

      <div className="replay-body">
        <div>
          {waiting > 0 && (
            <button
              type="button"
              className="new-updates"
              onClick={() => {
                setHeldAt(null);
                window.scrollTo({ top: 0, behavior: matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth" });
              }}
            >
              {waiting === 1 ? "1 new update" : `${waiting} new updates`} ↑
            </button>
          )}
          <ol className="entries" data-testid="entries">
            {ordered.map((entry: ProtocolEntry) => (
              <EntryView
                key={entry.id}
                entry={entry}
                eventZone={displayZone}
                publishedZone={feed.publishedZone}
                note={noteByEntry.get(entry.key)}
                fresh={wallNow - (arrivedAt.current.get(entry.id) ?? -Infinity) < FRESH_MS}
                ago={shownAt === undefined ? undefined : ago(shownAt - Date.parse(entry.publishedAt))}
                finder={finder}
                onOpenCard={setOpenCardId}
              />
            ))}
            {visible.length === 0 && <li className="empty">Nothing published yet. Press Play.</li>}
          </ol>
          {hiddenEarlier > 0 && preview === null && (
            <button type="button" className="show-more" onClick={() => setListLimit((limit) => limit + LIST_PAGE)}>
              Show {Math.min(hiddenEarlier, LIST_PAGE)} more of {hiddenEarlier} {oldestFirst ? "later" : "earlier"} updates
            </button>
          )}
        </div>
        <CardsPanel
          cards={feed.cards}
          pinned={view?.pinnedCards ?? []}
          sim={sim === undefined ? undefined : cardLockClock(feed.cards, sim)}
          eventZone={feed.eventZone}
          openCardId={openCardId}
          revealed={allRevealed}
          onReveal={revealCard}
          onPin={role === "solo" || role === "presenter" ? pinCard : undefined}
          revealLabel={role === "presenter" ? "Reveal to the class" : "Reveal"}
          onClose={closeCard}
        />
      </div>

      {(blank || (role === "projector" && view?.settings.blanked)) && <div className="blank-screen" data-testid="blank" onClick={() => setBlank(false)} />}
      {help && <HelpOverlay onClose={() => setHelp(false)} />}
    </div>
  );
}

/**
 * What a jump read, for the jump box's hint: "18:11 Helsinki = 15:11 GMT", and for a time typed
 * without a zone, the rule that placed it: such a time is the big clock's (the event's) time.
 */
function jumpStatement(parsed: Extract<JumpResult, { ok: true }>, feed: JumpFeed): string {
  const landed = describeJump(parsed.ms, feed);
  return parsed.bare ? `${landed} · a time without a zone is ${zoneLabel(feed.eventZone)} time` : landed;
}

/** Resumes this tab's solo session for the feed, or starts one as the link asks (?t, ?speed, ?play). */
async function startSolo(
  client: ReplayClient,
  feed: ReplayFeed,
  mode: Extract<ReplayMode, { kind: "solo" }>,
  setNotice: (notice: string) => void,
  setJumpHint: (hint: string) => void,
): Promise<void> {
  const saved = readSaved(feed.slug);
  if (saved && mode.t === undefined) {
    try {
      await client.join({ sessionId: saved.sessionId }, saved.secret);
      return;
    } catch {
      // expired or unknown: start afresh
    }
  }
  const { secret } = await client.create(feed.slug, "solo");
  sessionStorage.setItem(STORAGE_KEY(feed.slug), JSON.stringify({ sessionId: client.view!.sessionId, secret }));
  const notices: string[] = [];
  if (mode.t !== undefined) {
    const parsed = parseJumpTime(mode.t, feed);
    if (parsed.ok) {
      await client.control({ type: "seek", to: parsed.ms });
      setJumpHint(jumpStatement(parsed, feed));
    } else notices.push(`The link's time "${mode.t.slice(0, 40)}" could not be read (${parsed.reason}), so the replay starts at the beginning.`);
  }
  if (mode.speed !== undefined) {
    const rate = Number(mode.speed);
    if (Number.isFinite(rate) && rate >= RATE_MIN && rate <= RATE_MAX) await client.control({ type: "rate", rate });
    else notices.push(`The speed "${mode.speed.slice(0, 20)}" is not between ${RATE_MIN} and ${RATE_MAX}, so it stays at 1×.`);
  }
  if (mode.play) await client.control({ type: "play" });
  if (notices.length > 0) setNotice(notices.join(" "));
}

class NoPresenterKey extends Error {}

/**
 * Joins a class session. The console needs the presenter key: from a remote
 * link's fragment (then kept in this browser), or from this browser's storage.
 */
async function joinSession(client: ReplayClient, feed: ReplayFeed, mode: Extract<ReplayMode, { kind: "session" }>): Promise<void> {
  if (mode.role !== "presenter") {
    await client.join({ code: mode.code });
    return;
  }
  const secret = takeKeyFromFragment() ?? savedClass(mode.code)?.secret;
  if (!secret) {
    throw new NoPresenterKey(
      `This browser does not hold the presenter key for session ${formatJoinCode(mode.code)}. Open the console from the device that started it, or use its remote link.`,
    );
  }
  const view = await client.join({ code: mode.code }, secret);
  saveClass({ code: mode.code, sessionId: view.sessionId, secret, feedSlug: feed.slug, feedTitle: feed.title, lastUsedAt: new Date().toISOString(), expiresAt: view.expiresAt });
}

/** Creates a class session at this moment of the solo replay, remembers its key, and opens its console. */
async function startClassSession(client: ReplayClient, feed: ReplayFeed, sim: number | undefined): Promise<void> {
  const created = await request(client.socket, "session:create", { feed: feed.slug, kind: "shared" });
  if (sim !== undefined) await request(client.socket, "session:control", { sessionId: created.sessionId, command: { type: "seek", to: sim } });
  await request(client.socket, "session:leave", { sessionId: created.sessionId });
  saveClass({
    code: created.code!,
    sessionId: created.sessionId,
    secret: created.secret,
    feedSlug: feed.slug,
    feedTitle: feed.title,
    lastUsedAt: new Date().toISOString(),
    expiresAt: created.snapshot.expiresAt,
  });
  window.location.assign(`/s/${created.code}/control`);
}

function HelpOverlay({ onClose }: { onClose: () => void }) {
  const keys: Array<[string, string]> = [
    ["Space or k", "Play or pause"],
    ["j / l", "Back or forward 1 minute (Shift: 10 minutes)"],
    ["← → or PageUp PageDown", "Previous or next update"],
    ["< / >", "Slower or faster"],
    ["0 – 9", "Jump to 0 – 90 % of the coverage"],
    ["Home / End", "Start or end"],
    ["f", "Fullscreen"],
    ["b or .", "Blank the screen"],
    ["?", "This help"],
  ];
  return (
    <div className="help-overlay" role="dialog" aria-modal="true" aria-labelledby="help-title" data-testid="help">
      <div className="help-box">
        <h2 id="help-title">Keyboard</h2>
        <dl>
          {keys.map(([key, action]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>{action}</dd>
            </div>
          ))}
        </dl>
        <button type="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </div>
  );
}

/** The next preset up or down from `rate`. */
function nextRate(rate: number, direction: 1 | -1): number {
  if (direction > 0) return RATE_PRESETS.find((preset) => preset > rate) ?? RATE_PRESETS.at(-1)!;
  return [...RATE_PRESETS].reverse().find((preset) => preset < rate) ?? RATE_PRESETS[0];
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

/** "just now", "12 min ago", "2 h 5 min ago", in simulated time. */
function ago(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes % 60} min ago`;
}
