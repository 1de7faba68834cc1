/**
 * `npm run follow -- <code> [--url http://localhost:3000] [--json] [--once N]`:
 * follows a shared replay session from the terminal. Each entry is printed
 * when the locally computed simulated time reaches it (not when it arrives),
 * once, in replay order; the presenter's pauses, plays, jumps and speed
 * changes are printed as they take effect. The protocol is docs/PROTOCOL.md.
 *
 * --json prints one object per line: {"type":"session"} once, then "clock"
 * (change: initial, jump, pause, play, rate, idle), "entry" (the entry with
 * its index and formatted time) and "reset" (a backward jump hid entries).
 * Errors are one line on stderr and exit code 1.
 */
import { parseArgs } from "node:util";
import { DateTime, Info } from "luxon";
import { io } from "socket.io-client";
import { ClockSync, ReplayClient, RequestRefused, type ReplaySocket } from "../client/replay-client";
import { ErrorReason, joinCodeSchema, PROTOCOL_VERSION, type ProtocolEntry } from "../domain/protocol";
import * as clock from "../domain/replay/clock";
import { formatJoinCode } from "../domain/join-code";
import { zoneLabel } from "../domain/time";

const USAGE = `usage: npm run follow -- <code> [options]

  <code>        the session's join code, e.g. ABC-DEF

  --url <url>   the Relive server (default: $RELIVE_URL, else http://localhost:3000)
  --json        print one JSON object per line instead of text
  --once <N>    exit after printing N entries (for scripts and tests)
  -h, --help    show this help`;

/** Connection failures tolerated before the first connection, before giving up. */
const CONNECT_TRIES = 3;
const TICK_MS = 50;

class FollowError extends Error {}

function parseOptions() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        url: { type: "string" },
        json: { type: "boolean", default: false },
        once: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new FollowError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (positionals.length !== 1) throw new FollowError(positionals.length === 0 ? `give a join code\n\n${USAGE}` : `give one join code, not ${positionals.length}\n\n${USAGE}`);
  const rawCode = positionals[0]!;
  const code = joinCodeSchema.safeParse(rawCode);
  if (!code.success) throw new FollowError(`"${rawCode}" is not a join code: codes have 6 letters and digits (no 0, O, 1, I or L), like ABC-DEF`);

  const rawUrl = values.url ?? process.env.RELIVE_URL ?? "http://localhost:3000";
  let url: URL;
  try {
    url = new URL(rawUrl);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("not http");
  } catch {
    throw new FollowError(`"${rawUrl}" is not a server URL, e.g. http://localhost:3000`);
  }

  let once: number | undefined;
  if (values.once !== undefined) {
    once = Number(values.once);
    if (!Number.isInteger(once) || once < 1) throw new FollowError(`--once takes a number of entries (1 or more), not "${values.once}"`);
  }
  return { code: code.data, url: url.origin, json: values.json, once };
}

// ---------------------------------------------------------------------------
// Output

interface FeedInfo {
  title: string | undefined;
  /** The zone the feed published its times in, e.g. "GMT". */
  zone: string;
}

/** The feed's title and published zone, from GET /api/feeds/<slug>; UTC if that fails. */
async function fetchFeedInfo(url: string, slug: string): Promise<FeedInfo> {
  try {
    const response = await fetch(`${url}/api/feeds/${encodeURIComponent(slug)}`, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) return { title: undefined, zone: "UTC" };
    const feed = (await response.json()) as { title?: unknown; publishedZone?: unknown };
    const title = typeof feed.title === "string" ? feed.title : undefined;
    const zone = typeof feed.publishedZone === "string" && Info.normalizeZone(feed.publishedZone)?.isValid ? feed.publishedZone : "UTC";
    return { title, zone };
  } catch {
    return { title: undefined, zone: "UTC" };
  }
}

function formatRate(rate: number): string {
  return `${Number(rate.toFixed(2))}×`;
}

/** The follower's state and everything it prints. */
class Follower {
  /** Entries [0..printed) of replay order have been printed (and are still shown). */
  private printed = 0;
  /** How many entry lines were printed in all (for --once). */
  private entryLines = 0;
  /** The effective clock last described. */
  private shownClock: clock.ClockState | undefined;
  /** Set once --once is satisfied: print nothing more. */
  private stopped = false;

  constructor(
    private readonly client: ReplayClient,
    private readonly feed: FeedInfo,
    private readonly json: boolean,
    private readonly once: number | undefined,
    private readonly done: (code: number) => void,
  ) {}

  time(sim: number): string {
    return `${DateTime.fromMillis(sim, { zone: this.feed.zone }).toFormat("HH:mm")} ${zoneLabel(this.feed.zone)}`;
  }

  /** Prints `line` as text, or `record` as a JSON line (nothing if null). */
  private out(line: string | null, record: Record<string, unknown> | null): void {
    const text = this.json ? record && JSON.stringify(record) : line;
    if (text !== null) process.stdout.write(`${text}\n`);
  }

  header(): void {
    const view = this.client.view!;
    const state = this.client.currentClock()!;
    const sim = this.client.simTime()!;
    this.shownClock = state;
    const feedLine = this.feed.title ? `${this.feed.title} (${view.feed})` : view.feed;
    const clockLine = state.playing ? `playing at ${formatRate(state.rate)}, now ${this.time(sim)}` : `paused at ${this.time(sim)}, ${formatRate(state.rate)}`;
    this.out(`Following ${feedLine}`, {
      type: "session",
      sessionId: view.sessionId,
      feed: view.feed,
      title: this.feed.title ?? null,
      code: view.code,
      role: view.role,
      zone: this.feed.zone,
      entries: view.timeline.entryTimes.length,
    });
    this.out(`code ${formatCode(view.code)} · ${view.timeline.entryTimes.length} entries · clock ${clockLine}\n`, this.clockRecord("initial", state, sim));
  }

  private clockRecord(change: string, state: clock.ClockState, sim: number): Record<string, unknown> {
    const timeline = this.client.view!.timeline;
    return {
      type: "clock",
      change,
      playing: state.playing,
      rate: state.rate,
      idleLimitMs: state.idleLimitMs,
      revision: state.revision,
      sim: new Date(sim).toISOString(),
      time: this.time(sim),
      showing: clock.entriesShownAt(timeline, sim),
    };
  }

  /** Brings the output up to date: clock changes in force, then entries now visible. */
  update = (): void => {
    if (this.stopped) return;
    const view = this.client.view;
    const state = this.client.currentClock();
    const sim = this.client.simTime();
    if (!view || !state || sim === undefined) return;

    // Entries the old clock reached before the new one took effect come before the change's line.
    const prev = this.shownClock;
    if (prev && prev.revision !== state.revision) {
      const before = clock.simTimeAt(prev, view.timeline, state.serverTimeAtAnchor);
      if (!this.printUpTo(Math.min(view.entries.length, clock.entriesShownAt(view.timeline, before)))) return;
    }
    const jumped = this.describeClock(state);

    let visible = Math.min(view.entries.length, clock.entriesShownAt(view.timeline, sim));
    if (visible < this.printed) {
      // A backward move: reset once its clock is in force (a shared session announces it 40 ms
      // ahead, entries truncated at once). Anything else is a few ms of clock-sync jitter, or a
      // pause a hair before an entry: never un-print for that.
      const pending = state.revision !== view.clock.revision;
      if (jumped || (view.entries.length < this.printed && !pending)) {
        const hidden = this.printed - visible;
        this.out(`» reset: ${hidden} later ${hidden === 1 ? "entry" : "entries"} hidden again, ${visible} shown`, {
          type: "reset",
          showing: visible,
          hidden,
          sim: new Date(sim).toISOString(),
        });
        this.printed = visible;
      } else {
        visible = this.printed;
      }
    }
    this.printUpTo(visible);
  };

  /** Prints entries [printed, count); false once --once is satisfied. */
  private printUpTo(count: number): boolean {
    const view = this.client.view!;
    while (this.printed < count) {
      const index = this.printed;
      this.printEntry(index, view.entries[index]!);
      this.printed++;
      this.entryLines++;
      if (this.once !== undefined && this.entryLines >= this.once) {
        this.stopped = true;
        this.done(0);
        return false;
      }
    }
    return true;
  }

  private printEntry(index: number, entry: ProtocolEntry): void {
    const title = entry.title.trim() || entry.body.trim().split("\n")[0]?.slice(0, 100) || `(${entry.kind})`;
    this.out(`${this.time(Date.parse(entry.publishedAt))}  ${title}`, { type: "entry", index, time: this.time(Date.parse(entry.publishedAt)), ...entry });
  }

  /** Prints what changed between the clock last described and `next`; true if it was a jump. */
  private describeClock(next: clock.ClockState): boolean {
    const prev = this.shownClock;
    this.shownClock = next;
    if (!prev || prev.revision === next.revision) return false;
    const timeline = this.client.view!.timeline;
    const continued = clock.simTimeAt(prev, timeline, next.serverTimeAtAnchor);
    const jumped = Math.abs(next.simAtAnchor - continued) > 1;
    const sim = next.simAtAnchor;
    const record = (change: string) => this.clockRecord(change, next, sim);
    if (jumped) {
      const showing = clock.entriesShownAt(timeline, sim);
      const changed = prev.playing !== next.playing || prev.rate !== next.rate;
      const state = changed ? (next.playing ? `, playing at ${formatRate(next.rate)}` : `, paused (${formatRate(next.rate)})`) : "";
      this.out(`» jumped to ${this.time(sim)} — showing ${showing} ${showing === 1 ? "entry" : "entries"}${state}`, record("jump"));
    } else if (prev.playing && !next.playing) {
      const end = sim >= timeline.end ? " (the end of the replay)" : next.stopAt === null && prev.stopAt !== null && sim >= prev.stopAt ? " (pause point)" : "";
      this.out(`» paused at ${this.time(sim)}${end}`, record("pause"));
    } else if (!prev.playing && next.playing) {
      this.out(`» playing at ${formatRate(next.rate)}`, record("play"));
    } else if (prev.rate !== next.rate) {
      this.out(next.playing ? `» playing at ${formatRate(next.rate)}` : `» speed ${formatRate(next.rate)} (paused)`, record("rate"));
    }
    if (prev.idleLimitMs !== next.idleLimitMs) {
      const line = next.idleLimitMs === null ? "» quiet stretches play in full" : `» quiet stretches pass in at most ${Number((next.idleLimitMs / 1000).toFixed(1))} s`;
      this.out(line, record("idle"));
    }
    return jumped;
  }
}

function formatCode(code: string | null): string {
  return code === null ? "(solo)" : formatJoinCode(code);
}

// ---------------------------------------------------------------------------
// Main

async function main(): Promise<void> {
  const options = parseOptions();
  const socket = io(options.url, {
    auth: { protocol: PROTOCOL_VERSION },
    transports: ["websocket"],
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  }) as ReplaySocket;
  const client = new ReplayClient(socket);
  const sync: ClockSync = client.sync;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let finished = false;

  const finish = (code: number, message?: string): void => {
    if (finished) return;
    finished = true;
    clearInterval(ticker);
    client.close();
    socket.close();
    if (message) process.stderr.write(`relive follow: ${message}\n`);
    process.stdout.write("", () => process.exit(code));
  };
  process.on("SIGINT", () => finish(0));
  process.on("SIGTERM", () => finish(0));
  // ReplayClient starts catch-up syncs without awaiting them; a failed one is retried on the
  // next message that does not fit, so report it and carry on.
  process.on("unhandledRejection", (error) => {
    if (finished) return;
    const text = error instanceof RequestRefused ? `${error.message} (${error.refusal.reason})` : error instanceof Error ? error.message : String(error);
    process.stderr.write(`relive follow: catching up failed: ${text}; will retry\n`);
  });

  // The first connection: refused (protocol), unreachable, or up.
  await new Promise<void>((resolve, reject) => {
    let failures = 0;
    const onError = (error: Error & { data?: { reason?: string; expected?: unknown } }) => {
      if (error.data?.reason === ErrorReason.protocolMismatch) {
        cleanup();
        return reject(new FollowError(`protocol mismatch: the server at ${options.url} speaks protocol ${String(error.data.expected ?? "?")}, this follower speaks ${PROTOCOL_VERSION}; update Relive`));
      }
      if (++failures >= CONNECT_TRIES) {
        cleanup();
        reject(new FollowError(`cannot reach a Relive server at ${options.url} (${error.message}); is it running? (--url or RELIVE_URL)`));
      }
    };
    const onConnect = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      socket.off("connect_error", onError);
      socket.off("connect", onConnect);
    };
    socket.on("connect_error", onError);
    socket.on("connect", onConnect);
  });

  await sync.sync();
  sync.start();
  try {
    await client.join({ code: options.code });
  } catch (error) {
    if (error instanceof RequestRefused) {
      const { reason, message } = error.refusal;
      if (reason === ErrorReason.unknownSession) throw new FollowError(`no session with code ${formatCode(options.code)} (check the code with the presenter)`);
      throw new FollowError(`cannot join ${formatCode(options.code)}: ${message} (${reason})`);
    }
    throw error;
  }

  const feed = await fetchFeedInfo(options.url, client.view!.feed);
  const follower = new Follower(client, feed, options.json, options.once, (code) => finish(code));
  follower.header();
  follower.update();
  if (finished) return;

  client.on(() => follower.update());
  ticker = setInterval(follower.update, TICK_MS);

  // After the first connection socket.io reconnects by itself and ReplayClient rejoins.
  const note = (text: string) => {
    if (!options.json) process.stderr.write(`» ${text}\n`);
  };
  socket.on("disconnect", (reason) => {
    if (!finished && reason !== "io client disconnect") note(`connection lost (${reason}); reconnecting…`);
  });
  // ReplayClient rejoins on reconnect; if that does not bring a snapshot, the session is gone.
  let rejoinWatch: ReturnType<typeof setTimeout> | undefined;
  client.on((event) => {
    if (event.type === "resynced") clearTimeout(rejoinWatch);
    if (event.type === "lost") finish(1, event.message); // ended (its feed deleted), or gone on a rejoin
  });
  socket.io.on("reconnect", () => {
    note("reconnected");
    clearTimeout(rejoinWatch);
    rejoinWatch = setTimeout(() => finish(1, "reconnected, but could not rejoin the session (has it expired?)"), 15_000);
  });
}

main().catch((error: unknown) => {
  const message = error instanceof FollowError ? error.message : error instanceof Error ? error.message : String(error);
  process.stderr.write(`relive follow: ${message}\n`);
  process.exit(1);
});
