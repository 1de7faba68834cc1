/**
 * How the view gets its session, each in one round trip: a solo replay
 * resumed or created at the link's moment, a class session joined in a role,
 * and a class session started from a solo replay.
 */
import type { ReplayClient } from "@/client/replay-client";
import { formatJoinCode } from "@/domain/join-code";
import type { SessionStart } from "@/domain/protocol";
import { RATE_MAX, RATE_MIN, type ClockState } from "@/domain/replay/clock";
import type { JumpFeed } from "@/domain/replay/jump";
import { leftAt } from "./resume";
import { timeTools, type TimeTools } from "./time-tools";
import { saveClass, savedClass, takeKeyFromFragment } from "../class-sessions";
import type { ReplayFeed, ReplayMode } from "./feed";

type SoloMode = Extract<ReplayMode, { kind: "solo" }>;
type SessionMode = Extract<ReplayMode, { kind: "session" }>;

const STORAGE_KEY = (slug: string) => `relive:solo:${slug}`;

/** A refusal to open the console that is no server's: this browser lacks the key. */
export class NoPresenterKey extends Error {}

/** What reading a link's moment takes (time-tools.ts loads it when a link has one). */
type LinkTools = Pick<TimeTools, "parseJumpTime" | "jumpStatement" | "todayOnEventDay">;

/**
 * What a link's ?t=, ?speed= and ?play= ask for, as a session start, with a
 * notice for each value that could not be read, and the jump box's hint.
 * `tools` is needed only when the link has a moment (?t= or ?clock=today).
 */
export function soloStartFromLink(
  mode: SoloMode,
  feed: JumpFeed & { coverageStart: string },
  tools?: LinkTools,
): { start: SessionStart; notices: string[]; jumpHint: string | undefined } {
  const need = (): LinkTools => {
    if (!tools) throw new Error("a link with a moment needs the time tools (time-tools.ts)");
    return tools;
  };
  const start: SessionStart = {};
  const notices: string[] = [];
  let jumpHint: string | undefined;
  if (mode.missingEntry) notices.push("The link's update is not in this feed, so the replay starts at the beginning.");
  if (mode.t !== undefined) {
    const parsed = need().parseJumpTime(mode.t, feed);
    if (parsed.ok) {
      start.sim = parsed.ms;
      jumpHint = need().jumpStatement(parsed, feed);
    } else notices.push(`The link's time "${mode.t.slice(0, 40)}" could not be read (${parsed.reason}), so the replay starts at the beginning.`);
  }
  if (mode.speed !== undefined) {
    const rate = Number(mode.speed);
    if (Number.isFinite(rate) && rate >= RATE_MIN && rate <= RATE_MAX) start.rate = rate;
    else notices.push(`The speed "${mode.speed.slice(0, 20)}" is not between ${RATE_MIN} and ${RATE_MAX}, so it stays at 1×.`);
  }
  if (mode.play || mode.kiosk) start.playing = true;
  if (mode.today) {
    // The moment is now's, when the session is made; its countdown and end are today-clock.tsx's.
    start.sim = need().todayOnEventDay(Date.now(), feed.eventZone, feed.eventDate);
    start.rate = 1;
    // Before the coverage it waits (counting down) rather than play the pre-roll early.
    start.playing = start.sim >= Date.parse(feed.coverageStart);
    jumpHint = undefined;
  }
  return { start, notices, jumpHint };
}

/**
 * Resumes this tab's solo session for the feed, or starts one where the link
 * asks, or (a link with no moment) where this browser last left the feed;
 * resolves with what to tell the viewer and, when resumed so, where.
 */
export async function startSolo(client: ReplayClient, feed: ReplayFeed, mode: SoloMode): Promise<{ notice?: string; jumpHint?: string; resumedAt?: number }> {
  const saved = readSaved(feed.slug);
  const linkSetsMoment = mode.t !== undefined || mode.missingEntry || mode.today || mode.kiosk;
  if (saved && !linkSetsMoment) {
    try {
      await client.join({ sessionId: saved.sessionId }, saved.secret);
      return {};
    } catch {
      // expired or unknown: start afresh
    }
  }
  const tools = mode.t !== undefined || mode.today ? await timeTools() : undefined;
  const { start, notices, jumpHint } = soloStartFromLink(mode, feed, tools);
  const left = linkSetsMoment ? undefined : leftAt(feed.slug);
  if (left !== undefined) start.sim = left;
  const { sessionId, secret } = await client.create(feed.slug, "solo", start);
  try {
    sessionStorage.setItem(STORAGE_KEY(feed.slug), JSON.stringify({ sessionId, secret }));
  } catch {
    // storage disabled: a reload starts afresh
  }
  return { ...(notices.length > 0 ? { notice: notices.join(" ") } : {}), ...(jumpHint ? { jumpHint } : {}), ...(left !== undefined ? { resumedAt: left } : {}) };
}

/**
 * Joins a class session. The console needs the presenter key: from a remote
 * link's fragment (then kept in this browser), or from this browser's storage.
 */
export async function joinSession(client: ReplayClient, feed: ReplayFeed, mode: SessionMode): Promise<void> {
  if (mode.role !== "presenter") {
    await client.join({ code: mode.code }, undefined, mode.role === "projector" ? "projector" : undefined);
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

/**
 * Starts a class session at this moment of the solo replay, with its speed
 * and quiet-stretch setting, in one request; remembers its key and opens its
 * console. The class starts paused: the teacher plays it.
 */
export async function startClassSession(client: ReplayClient, feed: ReplayFeed, sim: number | undefined, clock: ClockState | undefined): Promise<void> {
  const start: SessionStart = {
    ...(sim !== undefined ? { sim } : {}),
    ...(clock ? { rate: clock.rate, idleLimitMs: clock.idleLimitMs } : {}),
  };
  const created = await client.create(feed.slug, "shared", start);
  const code = created.code!;
  saveClass({
    code,
    sessionId: created.sessionId,
    secret: created.secret,
    feedSlug: feed.slug,
    feedTitle: feed.title,
    lastUsedAt: new Date().toISOString(),
    expiresAt: created.expiresAt,
  });
  window.location.assign(`/s/${code}/control`);
}

function readSaved(slug: string): { sessionId: string; secret: string } | undefined {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY(slug));
    return raw ? (JSON.parse(raw) as { sessionId: string; secret: string }) : undefined;
  } catch {
    return undefined;
  }
}
