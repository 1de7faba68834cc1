"use client";

/**
 * The presenter's own panel: how students join, who is following and how
 * well, the projector (link and blanking), the remote link, the session's
 * expiry, and a private look at what comes next, with "What happens next?"
 * pause points.
 */
import { DateTime } from "luxon";
import { useEffect, useRef, useState } from "react";
import type { ProtocolEntry, SessionSettings } from "@/domain/protocol";
import { formatJoinCode } from "@/domain/join-code";
import { entriesShownAt } from "@/domain/replay/clock";
import { SHARED_TTL_DAYS } from "@/domain/session-ttl";
import { remoteLink, savedClass } from "../../class-sessions";
import type { ReplayFeed, SessionPanelContext } from "../../replay/[slug]/replay-view";

interface Props extends SessionPanelContext {
  feed: ReplayFeed;
  code: string;
  joinUrl: string;
  joinQrSvg: string | undefined;
}

type PauseSettings = { mode: SessionSettings["pauseOn"]; markedEntryKeys: string[] };

/** Upcoming entries listed for pause points. */
const UPCOMING = 12;

export function ConsolePanel({ view, sim, presence, send, feed, code, joinUrl, joinQrSvg }: Props) {
  const [entries, setEntries] = useState<ProtocolEntry[] | undefined>();
  const [remote, setRemote] = useState<{ url: string; qr: string } | undefined>();
  const [showAll, setShowAll] = useState(false);
  // A ticked pause point shows ticked at once; the server's answer replaces it (or, if refused, undoes it).
  const [pendingPause, setPendingPause] = useState<PauseSettings | undefined>();
  const pauseRequests = useRef(0);

  useEffect(() => {
    // The whole feed, for the private preview. (The feed is public; the class just does not see it yet.)
    fetch(`/api/feeds/${feed.slug}`)
      .then((response) => response.json())
      .then((detail: { entries: ProtocolEntry[] }) => setEntries(detail.entries))
      .catch(() => undefined);
  }, [feed.slug]);

  const shown = entriesShownAt(view.timeline, sim);
  const next = entries?.[shown];
  const upcoming = entries?.slice(shown, showAll ? undefined : shown + UPCOMING) ?? [];
  const pause: PauseSettings = pendingPause ?? { mode: view.settings.pauseOn, markedEntryKeys: view.settings.markedEntryKeys };
  const marked = new Set(pause.mode === "marked" ? pause.markedEntryKeys : []);
  const time = (iso: string) => DateTime.fromISO(iso, { zone: feed.eventZone }).toFormat("HH:mm");

  const setPause = (next: PauseSettings) => {
    setPendingPause(next);
    const request = ++pauseRequests.current;
    void send({ type: "pauseOn", ...next }).then(() => {
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

  const showRemote = async () => {
    const secret = savedClass(code)?.secret;
    if (!secret) return;
    const url = remoteLink(window.location.origin, code, secret);
    const QRCode = (await import("qrcode")).default;
    setRemote({ url, qr: await QRCode.toString(url, { type: "svg", margin: 1, errorCorrectionLevel: "M" }) });
  };

  const sync = presence?.sync;
  const expires = DateTime.fromISO(view.expiresAt).toLocal();
  return (
    <section className="console" aria-label="Presenter console">
      <div className="console-card console-join">
        <h2 className="console-heading">Students join</h2>
        <p className="join-code" data-testid="join-code" aria-label={`Join code ${formatJoinCode(code).split("").join(" ")}`}>
          {formatJoinCode(code)}
        </p>
        <p className="console-url">{joinUrl.replace(/^https?:\/\//, "")}</p>
        {joinQrSvg && <span className="join-qr" role="img" aria-label="QR code of the join link" dangerouslySetInnerHTML={{ __html: joinQrSvg }} />}
      </div>

      <div className="console-card">
        <h2 className="console-heading">Class</h2>
        <p data-testid="follower-count">
          {presence
            ? `${presence.followers} following (students' devices and the projector)${presence.presenters > 1 ? `; ${presence.presenters} consoles` : ""}`
            : "Counting followers…"}
        </p>
        {sync && (
          <p data-testid="follower-sync">
            {sync.inSync} in sync · {sync.detached} reading on their own · {sync.lagging} lagging
            {sync.maxSkewMs !== null && (
              <>
                <br />
                clock skew: median {sync.medianSkewMs} ms, worst {sync.maxSkewMs} ms
              </>
            )}
          </p>
        )}
        <p>
          <a href={`/s/${code}/present`} target="relive-projector" data-testid="projector-link">
            Open the projector view
          </a>{" "}
          <span className="console-hint">(a new window: move it to the projector, press f)</span>
        </p>
        <p>
          <button type="button" aria-pressed={view.settings.blanked} onClick={() => void send({ type: "blank", blanked: !view.settings.blanked })} data-testid="blank-projector">
            {view.settings.blanked ? "Show the projector again" : "Blank the projector"}
          </button>{" "}
          <span className="console-hint">(b)</span>
        </p>
        <p className="console-hint" data-testid="expiry">
          This session stays open until {expires.toFormat("d LLLL yyyy, HH:mm")}: {SHARED_TTL_DAYS} days after its last use. Resume it any time with the same code.
        </p>
        {remote ? (
          <div className="remote" data-testid="remote">
            <p>
              <strong>Remote control.</strong> Open this on your phone to control the class from it too. Anyone with this link can control the
              session: do not show it on the projector.
            </p>
            <span className="join-qr" role="img" aria-label="QR code of the remote control link" dangerouslySetInnerHTML={{ __html: remote.qr }} />
            <input readOnly value={remote.url} aria-label="Remote control link" onFocus={(event) => event.currentTarget.select()} />
            <button type="button" onClick={() => setRemote(undefined)}>
              Hide
            </button>
          </div>
        ) : (
          <button type="button" onClick={() => void showRemote()}>
            Control from another device…
          </button>
        )}
      </div>

      <div className="console-card console-next">
        <h2 className="console-heading">Next (only you see this)</h2>
        {next ? (
          <article className="next-entry" data-testid="next-entry">
            <p className="entry-time">{time(next.publishedAt)}</p>
            <h3>{next.title}</h3>
            <p>{next.body.length > 280 ? `${next.body.slice(0, 280)}…` : next.body}</p>
          </article>
        ) : (
          <p>{entries ? "Nothing more: this is the end of the feed." : "Loading…"}</p>
        )}
        <h3 className="console-subheading">What happens next? Pause before…</h3>
        <label className="console-hint">
          <input
            type="checkbox"
            checked={pause.mode === "every"}
            onChange={(event) =>
              setPause({ mode: event.target.checked ? "every" : pause.markedEntryKeys.length ? "marked" : "off", markedEntryKeys: pause.markedEntryKeys })
            }
          />{" "}
          Stop at every update
        </label>
        <ul className="pause-list" data-testid="pause-list">
          {upcoming.map((entry) => (
            <li key={entry.id}>
              <label>
                <input type="checkbox" checked={marked.has(entry.key)} onChange={() => toggleMark(entry.key)} disabled={pause.mode === "every"} />{" "}
                <span className="entry-time">{time(entry.publishedAt)}</span> {entry.title}
              </label>
            </li>
          ))}
        </ul>
        {entries && !showAll && entries.length - shown > UPCOMING && (
          <button type="button" onClick={() => setShowAll(true)}>
            Show all {entries.length - shown} upcoming
          </button>
        )}
      </div>
    </section>
  );
}
