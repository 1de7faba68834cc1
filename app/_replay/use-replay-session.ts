"use client";

/**
 * The view's connection to its session: the socket and its ReplayClient, the
 * session got as the mode asks (session-start.ts), all three loaded beside the
 * first load (load-connection.ts); what the client reports (the session, its
 * mode, presence, a lost session, the connection); and
 * `send`, the one way a command goes out: a refusal becomes the notice,
 * whether it came from a button or a key.
 */
import { useCallback, useEffect, useMemo, useState } from "react";
import type { ClientMode, ReplayClient, ReplaySocket, SessionView } from "@/client/replay-client";
import { RequestRefused } from "@/client/request";
import type { Command } from "@/domain/protocol";
import { PROTOCOL_VERSION } from "@/domain/protocol-constants";
import type { Presence, ReplayFeed, ReplayMode } from "./feed";
import { loadConnection, type Connection } from "./load-connection";
import { SimClock } from "./sim-clock";

export interface ReplaySession {
  /** Set once the socket is made (after the first render). */
  client: ReplayClient | undefined;
  /** A copy of the client's session, renewed on every event from it; undefined until joined. */
  view: SessionView | undefined;
  mode: ClientMode | undefined;
  presence: Presence | undefined;
  connected: boolean;
  /** Why the session cannot be shown (it replaces the view). */
  error: string | undefined;
  /** A refusal or a link's value that could not be read. */
  notice: string | undefined;
  setNotice: (notice: string | undefined) => void;
  /** Where the link's ?t= landed, for the jump box. */
  linkJumpHint: string | undefined;
  /** A solo replay opened where this browser last left the feed: that moment. */
  resumedAt: number | undefined;
  /** Simulated time, read every frame. */
  clock: SimClock;
  /** Sends a command; resolves true once the server applied it, false if it was refused (the notice says why). */
  send: (command: Command) => Promise<boolean>;
}

export function useReplaySession(feed: ReplayFeed, mode: ReplayMode): ReplaySession {
  const [client, setClient] = useState<ReplayClient | undefined>();
  const [view, setView] = useState<SessionView | undefined>();
  const [clientMode, setClientMode] = useState<ClientMode | undefined>();
  const [presence, setPresence] = useState<Presence | undefined>();
  const [connected, setConnected] = useState(true);
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [linkJumpHint, setLinkJumpHint] = useState<string | undefined>();
  const [resumedAt, setResumedAt] = useState<number | undefined>();
  const [clock] = useState(() => new SimClock(() => ({ sim: undefined, clock: undefined, controls: undefined })));
  // `mode` by value: a parent may pass an equal object on every render.
  const modeKey = JSON.stringify(mode);

  useEffect(() => {
    let cancelled = false;
    let close: (() => void) | undefined;
    const stopFrames = clock.run();
    loadConnection().then(
      (connection) => {
        if (!cancelled) close = open(connection);
      },
      () => !cancelled && setError("Could not load the page's connection code. Reload the page."),
    );
    return () => {
      cancelled = true;
      stopFrames();
      close?.();
    };

    /** Connects and gets the session; returns what undoes it. */
    function open({ io, ReplayClient, startSolo, joinSession, NoPresenterKey }: Connection): () => void {
      const socket = io({ auth: { protocol: PROTOCOL_VERSION }, transports: ["websocket"] }) as ReplaySocket;
      const replay = new ReplayClient(socket);
      clock.setSource(() => ({ sim: replay.simTime(), clock: replay.currentClock(), controls: replay.controlClock() }));
      const show = () => {
        setView((previous) => replay.view && keepUnchanged(previous, { ...replay.view }));
        setClientMode(replay.mode);
        // In the same task, not at the next frame: a key press shows its effect at once.
        clock.tick();
      };
      const off = replay.on((event) => {
        if (event.type === "presence") return setPresence({ followers: event.followers, presenters: event.presenters, projectors: event.projectors, sync: event.sync });
        if (event.type === "lost") return setError(event.message);
        show();
      });
      const onDisconnect = () => setConnected(false);
      const onConnect = () => setConnected(true);
      socket.on("disconnect", onDisconnect);
      socket.on("connect", onConnect);
      // The browser knows at once when the network goes; socket.io would wait for a missed heartbeat.
      // Closing the transport makes it reconnect (and rejoin) by itself once the network is back.
      const onOffline = () => socket.io.engine?.close();
      window.addEventListener("offline", onOffline);
      setClient(replay);

      const parsed = JSON.parse(modeKey) as ReplayMode;
      const connect =
        parsed.kind === "solo"
          ? startSolo(replay, feed, parsed).then(({ notice: said, jumpHint, resumedAt: resumed }) => {
              if (cancelled) return;
              if (said) setNotice(said);
              if (jumpHint) setLinkJumpHint(jumpHint);
              if (resumed !== undefined) setResumedAt(resumed);
            })
          : joinSession(replay, feed, parsed);
      connect
        .then(() => {
          if (!cancelled) show();
        })
        .catch((caught: unknown) => {
          if (!cancelled) setError(caught instanceof RequestRefused || caught instanceof NoPresenterKey ? caught.message : "Could not reach the Relive server. Is it running?");
        });

      return () => {
        window.removeEventListener("offline", onOffline);
        off();
        replay.close();
        socket.off("disconnect", onDisconnect);
        socket.off("connect", onConnect);
        socket.disconnect();
      };
    }
  }, [feed, modeKey, clock]);

  const send = useCallback(
    async (command: Command): Promise<boolean> => {
      if (!client) return false;
      try {
        await client.control(command);
        return true;
      } catch (caught) {
        setNotice(caught instanceof Error ? caught.message : String(caught));
        return false;
      }
    },
    [client],
  );

  return useMemo(
    () => ({ client, view, mode: clientMode, presence, connected, error, notice, setNotice, linkJumpHint, resumedAt, clock, send }),
    [client, view, clientMode, presence, connected, error, notice, linkJumpHint, resumedAt, clock, send],
  );
}

/**
 * The next copy of the session, reusing the previous copy's lists where their
 * content is the same: a clock change then leaves the list and the cards alone.
 */
function keepUnchanged(previous: SessionView | undefined, next: SessionView): SessionView {
  if (!previous || previous.sessionId !== next.sessionId) return next;
  const sameEntries = previous.entries.length === next.entries.length && previous.entries.at(-1)?.id === next.entries.at(-1)?.id;
  return {
    ...next,
    entries: sameEntries ? previous.entries : next.entries,
    timeline: previous.timeline === next.timeline ? previous.timeline : next.timeline,
    pinnedCards: sameList(previous.pinnedCards, next.pinnedCards) ? previous.pinnedCards : next.pinnedCards,
    revealedCards: sameList(previous.revealedCards, next.revealedCards) ? previous.revealedCards : next.revealedCards,
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
