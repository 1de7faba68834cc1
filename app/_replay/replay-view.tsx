"use client";

/**
 * The replay as a viewer sees it: a solo session created on demand, or a
 * class session followed, projected or presented. Driven by the server's
 * clock through client/replay-client.ts (use-replay-session.ts); simulated
 * time is read every frame into a store (sim-clock.ts) that only the big
 * clock and the scrubber follow frame by frame. This file puts the parts
 * together; each part is the file of its name.
 */
import { useCallback, useMemo, useState, type ReactNode } from "react";
import type { ReplayClient, SessionView } from "@/client/replay-client";
import type { Command } from "@/domain/protocol";
import { entriesShownAt } from "@/domain/replay/clock";
import { CardsAtClock } from "./cards-panel";
import { ClockBar } from "./clock-bar";
import { EntryList } from "./entry-list";
import { EntryView } from "./entry-view";
import type { Presence, ReplayFeed, ReplayMode, ReplayRole } from "./feed";
import { FindBar } from "./find-bar";
import { keyEntryKeys } from "./key-events";
import { HelpOverlay, Lobby, QuestionCard, QuestionOnProjector, TodayClock } from "./lazy-parts";
import { createCardMentionFinder } from "./marked-text";
import { NavOffers } from "./nav-offers";
import { Paged } from "./paged";
import { BlankScreen, useProjectorScreen } from "./projector-screen";
import { useRememberPlace } from "./resume";
import { SessionScrubber } from "./scrubber";
import { SEARCH_INPUT_ID } from "./search-box";
import { useSimValue, type SimClock } from "./sim-clock";
import { Transport } from "./transport";
import { useArrivals } from "./use-arrivals";
import { useKeyMap } from "./use-key-map";
import { useKiosk } from "./use-kiosk";
import { useAudience, useLobby } from "./use-lobby";
import { useReplaySession } from "./use-replay-session";
import { ViewNotices } from "./view-notices";
import { projectsAnswers, useQuestion } from "./questions/use-question";
import listStyles from "./entry-list.module.css";
import styles from "./replay-view.module.css";

export type { Presence, ReplayFeed, ReplayMode } from "./feed";

/** What the presenter console (rendered inside the view) works with. */
export interface SessionPanelContext {
  client: ReplayClient;
  view: SessionView;
  /** Simulated time: follow a value derived from it (useSimValue), not the time itself. */
  clock: SimClock;
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

const NO_CARDS: string[] = [];

export function ReplayView({ feed, mode, projector, joinUrl, joinQrSvg, sessionPanel }: Props) {
  const role: ReplayRole = mode.kind === "solo" ? "solo" : mode.role;
  const session = useReplaySession(feed, mode);
  const { client, view, clock, send } = session;
  const [displayZone, setDisplayZone] = useState(feed.eventZone);
  const [oldestFirst, setOldestFirst] = useState(false);
  const [revealed, setRevealed] = useState<Set<string>>(new Set());
  const [openCardId, setOpenCardId] = useState<string | null>(null);
  const [blank, setBlank] = useState(false);
  const [help, setHelp] = useState(false);
  const [keyOnly, setKeyOnly] = useState(false);
  const [findOpen, setFindOpen] = useState(false);
  /** The entry a link (?entry=) or a search result points at. */
  const [highlightKey, setHighlightKey] = useState(mode.kind === "solo" ? mode.entry : undefined);
  const { controlsVisible } = useProjectorScreen(projector);
  // An exhibition screen: the projector's look, no controls at all (use-kiosk.ts runs it).
  const kiosk = mode.kind === "solo" && Boolean(mode.kiosk);
  const controls = role !== "projector" && !kiosk;
  useKiosk(kiosk, clock, view?.timeline, send, session.error);
  useRememberPlace(feed.slug, clock, role === "solo" && !kiosk && !(mode.kind === "solo" && mode.today));
  const arrivals = useArrivals(view?.entries, view?.timeline, clock);
  const finder = useMemo(() => createCardMentionFinder(feed.cards), [feed.cards]);
  // On the projector the latest update is featured above the list, not repeated in it.
  const featuredCount = useSimValue(clock, (c) =>
    projector && view && c.shown !== undefined ? Math.min(view.entries.length, entriesShownAt(view.timeline, c.shown)) : 0,
  );

  // Before the first Play, the class's projector is a lobby (lobby.tsx says when exactly).
  const lobby = useLobby(role === "projector" && mode.kind === "session" && Boolean(joinUrl), clock, featuredCount);
  const followers = useAudience(client, role === "projector" ? view?.sessionId : undefined);

  useKeyMap(client, clock, role, {
    send,
    toggleBlank: () => setBlank((on) => !on),
    toggleHelp: () => setHelp((on) => !on),
    focusSearch: () => openSearch(),
    dismiss: () => {
      setHelp(false);
      setBlank(false);
    },
  });

  // The cards panel re-renders when a card unlocks or the pins change, not every frame.
  const sessionRevealed = view?.revealedCards;
  const allRevealed = useMemo(() => new Set([...revealed, ...(sessionRevealed ?? [])]), [revealed, sessionRevealed]);
  const revealCard = useCallback(
    (id: string) => (role === "presenter" ? void send({ type: "reveal", card: id, revealed: true }) : setRevealed((previous) => new Set(previous).add(id))),
    [role, send],
  );
  const pinCard = useCallback((id: string, pinned: boolean) => void send({ type: "pin", card: id, pinned }), [send]);
  const closeCard = useCallback(() => setOpenCardId(null), []);
  const preview = useCallback((ms: number | null) => clock.setPreview(ms), [clock]);
  const seek = useCallback((to: number) => void send({ type: "seek", to }), [send]);
  const toggleOldestFirst = useCallback(() => setOldestFirst((on) => !on), []);
  const toggleKeyOnly = useCallback(() => setKeyOnly((on) => !on), []);
  // On a phone the find bar is folded away: open it, then focus the box once it shows.
  const openSearch = useCallback(() => {
    setFindOpen(true);
    requestAnimationFrame(() => document.getElementById(SEARCH_INPUT_ID)?.focus());
  }, []);
  const [entries, timeline, marked] = [view?.entries, view?.timeline, view?.settings.markedEntryKeys];
  const keyKeys = useMemo(
    () => (keyOnly && entries && timeline ? keyEntryKeys(entries, timeline, feed.keyMoments, marked ?? []) : null),
    [keyOnly, entries, timeline, feed.keyMoments, marked],
  );
  // A result jumps to its entry's moment, where it is the newest; on the console, only one ahead of the class moves it.
  const pickEntry = useCallback(
    (key: string, publishedAt: string) => {
      setHighlightKey(key);
      const at = Date.parse(publishedAt);
      if (role !== "presenter" || (clock.sim ?? -Infinity) < at) void send({ type: "seek", to: at });
    },
    [role, clock, send],
  );
  // The class's question, for a student's card or the projector (the console keeps its own, with every answer).
  const question = useQuestion(client, mode.kind === "session" && role !== "presenter" ? view?.sessionId : undefined, false);
  const join = useMemo(() => (role === "projector" && joinUrl ? { url: joinUrl, qrSvg: joinQrSvg } : undefined), [role, joinUrl, joinQrSvg]);

  if (session.error) {
    return (
      <p className="notice notice-error" role="alert">
        {session.error}
      </p>
    );
  }

  const featured = projector ? view?.entries[featuredCount - 1] : undefined;
  const questionShown = question.current && !(question.current.status === "revealed" && view?.clock.playing) ? question.current : undefined;

  return (
    <div
      className={[projector && styles.projector, !controlsVisible && styles.controlsHidden].filter(Boolean).join(" ") || undefined}
      data-theme={projector ? "projector" : undefined}
    >
      <p className="visually-hidden" aria-live="polite" role="status" data-testid="announcer">
        {arrivals.announcement}
      </p>
      <ViewNotices session={session} role={role} code={mode.kind === "session" ? mode.code : undefined} />
      {mode.kind === "solo" && mode.today && <TodayClock feed={feed} timeline={view?.timeline} send={send} />}
      {controls && <NavOffers slug={feed.slug} zone={feed.eventZone} clock={clock} timeline={view?.timeline} send={send} resumedAt={session.resumedAt} />}
      <ClockBar feed={feed} clock={clock} join={lobby ? undefined : join} projector={projector} timeline={view?.timeline} />
      {lobby && mode.kind === "session" && joinUrl && <Lobby code={mode.code} url={joinUrl} qrSvg={joinQrSvg} followers={followers} />}

      {questionShown && (
        // Until the class plays on after the reveal: then it sees what really happened.
        role === "projector" ? (
          <QuestionOnProjector question={questionShown} following={followers} />
        ) : (
          <QuestionCard question={questionShown} state={question} />
        )
      )}

      {view && controls && <SessionScrubber feed={feed} timeline={view.timeline} entries={view.entries} clock={clock} onPreview={preview} onSeek={seek} className={styles.fades} />}

      {controls && (
        <Transport
          className={projector ? styles.fades : undefined}
          projector={projector}
          feed={feed}
          role={role}
          client={client}
          ready={view !== undefined}
          clock={clock}
          send={send}
          setNotice={session.setNotice}
          linkJumpHint={session.linkJumpHint}
          displayZone={displayZone}
          setDisplayZone={setDisplayZone}
          oldestFirst={oldestFirst}
          toggleOldestFirst={toggleOldestFirst}
          onSearch={openSearch}
        />
      )}

      {view && controls && !projector && (
        <FindBar
          feed={feed}
          entries={view.entries}
          timeline={view.timeline}
          cards={feed.cards}
          revealed={allRevealed}
          clock={clock}
          lookAhead={role === "presenter"}
          keyOnly={keyOnly}
          toggleKeyOnly={toggleKeyOnly}
          onPickEntry={pickEntry}
          onPickCard={setOpenCardId}
          onSeek={seek}
          open={findOpen}
        />
      )}

      {role === "presenter" && client && view && sessionPanel?.({ client, view, clock, presence: session.presence, send })}

      {featured && !lobby && (
        <section className={`${styles.featured} featured`} aria-label="Latest update">
          {/* Too long for the screen, it pages; the clicker's PageDown/PageUp (or ↓/↑) turn the pages (a question's list, while one is up). */}
          <Paged clicker={!(questionShown && projectsAnswers(questionShown))} resetKey={featured.id} testId="featured-pager">
            <ol className={styles.featuredList}>
              <EntryView entry={featured} eventZone={feed.eventZone} publishedZone={feed.publishedZone} featured />
            </ol>
          </Paged>
        </section>
      )}

      <div className={styles.body} hidden={lobby}>
        {view ? (
          <EntryList
            feed={feed}
            entries={view.entries}
            timeline={view.timeline}
            clock={clock}
            projector={projector}
            displayZone={displayZone}
            oldestFirst={oldestFirst}
            fresh={arrivals.fresh}
            finder={finder}
            onOpenCard={setOpenCardId}
            only={keyKeys}
            highlightKey={highlightKey}
            emptyText={emptyListText(role, controls)}
          />
        ) : (
          <EmptyList text={emptyListText(role, controls)} />
        )}
        <Paged off={!projector} className={styles.side}>
          <CardsAtClock
            clock={clock}
            cards={feed.cards}
            pinned={view?.pinnedCards ?? NO_CARDS}
            eventZone={feed.eventZone}
            openCardId={openCardId}
            revealed={allRevealed}
            onReveal={revealCard}
            onPin={role === "solo" || role === "presenter" ? pinCard : undefined}
            revealLabel={role === "presenter" ? "Reveal to the class" : "Reveal"}
            onClose={closeCard}
          />
        </Paged>
      </div>

      {(blank || (role === "projector" && view?.settings.blanked)) && <BlankScreen onClick={() => setBlank(false)} />}
      {help && <HelpOverlay onClose={() => setHelp(false)} />}
    </div>
  );
}

/** The list before the session is there: as it will look with nothing published. */
function EmptyList({ text }: { text: string }) {
  return (
    <div>
      <ol className={listStyles.entries} data-testid="entries">
        <li className={listStyles.empty}>{text}</li>
      </ol>
    </div>
  );
}

/** The empty list's words: only a screen whose Play moves the replay asks for it (not a student's, the projector's or a kiosk's). */
function emptyListText(role: ReplayRole, controls: boolean): string {
  if (role === "follower") return "Nothing published yet: updates appear here as the class reaches them.";
  return controls ? "Nothing published yet. Press Play." : "Nothing published yet.";
}
