/**
 * Keeps docs/PROTOCOL.md honest: it names every event, refusal reason and
 * limit the code defines, every clock field, and no event the code lacks.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { clientEvents, ErrorReason, MAX_PAYLOAD_BYTES, PROTOCOL_VERSION, serverEvents, snapshotSchema, SYNC_TOLERANCE_MS } from "../../domain/protocol";
import { PRE_ROLL_MS } from "../../domain/replay/clock";
import { QUESTION_LIMITS } from "../../domain/classroom/questions";
import { parseJumpTime } from "../../domain/replay/jump";
import { LEAD_MS, SessionManager } from "../../server/replay/session-manager";
import { entryWindowMs, leadFor, LEAD_PER_ROUND_TRIP } from "../../server/replay/lead";
import type { FeedTimeline } from "../../server/replay/feed-timeline";
import { MemorySessionStore } from "../support/memory-session-store";
import { libraryOf } from "../support/test-feed";
import { GUESS_LIMIT } from "../../server/replay/join-guard";
import { ADDRESS_CAPS } from "../../server/http/security";
import { clockStateSchema } from "../../domain/replay/clock-schema";
import { ENTRY_WINDOW_MIN_MS, LEAD_BOUNDS_MS, RATE_LIMIT } from "../../domain/protocol-constants";
import { PROBE_INTERVAL_MS } from "../../server/replay/socket/presence";

const root = path.resolve(import.meta.dirname, "../..");
const doc = fs.readFileSync(path.join(root, "docs/PROTOCOL.md"), "utf8");

const clientNames = Object.keys(clientEvents);
const serverNames = Object.keys(serverEvents);
const known = new Set([...clientNames, ...serverNames]);

describe("docs/PROTOCOL.md", () => {
  it("names every client → server event", () => {
    expect(clientNames.length).toBeGreaterThan(0);
    expect(clientNames.filter((name) => !doc.includes(`\`${name}\``))).toEqual([]);
  });

  it("names every server → client event", () => {
    expect(serverNames.length).toBeGreaterThan(0);
    expect(serverNames.filter((name) => !doc.includes(`\`${name}\``))).toEqual([]);
  });

  it("lists every error reason", () => {
    expect(Object.values(ErrorReason).filter((reason) => !doc.includes(`\`${reason}\``))).toEqual([]);
  });

  it("states the protocol version and the limits", () => {
    // Each number next to what it measures (markdown bold allowed), not just anywhere in the text.
    expect(doc).toMatch(new RegExp(`protocol:\\s*${PROTOCOL_VERSION}\\b`));
    expect(doc).toMatch(new RegExp(`PROTOCOL_VERSION\\W+${PROTOCOL_VERSION}\\b`));
    expect(doc).toMatch(new RegExp(`MAX_PAYLOAD_BYTES\\W+${MAX_PAYLOAD_BYTES}\\b\\**\\s*bytes`));
    expect(doc).toMatch(new RegExp(`burst\\W+${RATE_LIMIT.burst}\\b`));
    expect(doc).toMatch(new RegExp(`\\b${RATE_LIMIT.perSecond}\\**\\s+per second`));
    expect(doc).toMatch(new RegExp(`SYNC_TOLERANCE_MS\\W+${SYNC_TOLERANCE_MS}\\**\\s*ms`));
    expect(doc).toMatch(new RegExp(`\\*\\*${GUESS_LIMIT.burst}\\*\\* unknown codes`));
    expect(doc).toMatch(new RegExp(`every \\*\\*${GUESS_LIMIT.refillMs / 1000} s\\*\\*`));
    expect(doc).toMatch(new RegExp(`every ${PROBE_INTERVAL_MS / 1000} s to each follower`));
    expect(doc).toMatch(new RegExp(`at most \\*\\*${ADDRESS_CAPS.socketsPerAddress}\\*\\* connections`));
    expect(doc).toMatch(new RegExp(`max: ${ADDRESS_CAPS.socketsPerAddress} \\}`));
    expect(doc).toMatch(new RegExp(`create \\*\\*${ADDRESS_CAPS.sessionCreatesPerMinute}\\*\\* sessions at once and ${ADDRESS_CAPS.sessionCreatesPerMinute} more each minute`));
  });

  it("describes every field of the clock state", () => {
    const fields = Object.keys(clockStateSchema.shape);
    expect(fields.length).toBeGreaterThanOrEqual(7);
    expect(fields.filter((field) => !doc.includes(`\`${field}\``))).toEqual([]);
  });

  it("names no event the code does not define", () => {
    // `word:word` in backticks, "word:word" in quotes, and → / ← lines of the example exchange.
    const mentioned = [
      ...[...doc.matchAll(/`([A-Za-z][\w-]*:[A-Za-z][\w-]*)`/g)].map((m) => m[1]!),
      ...[...doc.matchAll(/"([A-Za-z][\w-]*:[A-Za-z][\w-]*)"/g)].map((m) => m[1]!),
      ...[...doc.matchAll(/^[→←]\s+([A-Za-z][\w-]*:[A-Za-z][\w-]*)/gm)].map((m) => m[1]!),
    ];
    expect(mentioned.length).toBeGreaterThanOrEqual(known.size);
    expect([...new Set(mentioned)].filter((name) => !known.has(name))).toEqual([]);
  });

  it("names every field of a snapshot and of the presence summary", () => {
    const fields = [...Object.keys(snapshotSchema.shape), "inSync", "detached", "lagging", "maxSkewMs", "medianSkewMs"];
    expect(fields.filter((field) => !doc.includes(field))).toEqual([]);
    expect(doc).toMatch(/`inSync`, `detached` and `lagging` are \*\*counts\*\*/);
  });

  it("states the lead's bounds and the entry window's rule as the server applies them", () => {
    expect(doc).toMatch(new RegExp(`LEAD_BOUNDS_MS\\W+${LEAD_BOUNDS_MS.min}–${LEAD_BOUNDS_MS.max}\\**\\s*ms, ${LEAD_MS} until measured`));
    const factor = Number(/Lead = ([\d.]+) × the slowest answer's round trip/.exec(doc)?.[1]);
    expect(factor).toBe(LEAD_PER_ROUND_TRIP);
    expect([leadFor(null), leadFor(1), leadFor(200), leadFor(1e6)]).toEqual([LEAD_BOUNDS_MS.min, LEAD_BOUNDS_MS.min, factor * 200, LEAD_BOUNDS_MS.max]);
    const rule = /W = max\(ENTRY_WINDOW_MIN_MS = \*\*(\d+)\*\*,\s*(\d+) × lead\)/.exec(doc);
    expect(rule).not.toBeNull();
    expect(Number(rule![1])).toBe(ENTRY_WINDOW_MIN_MS);
    for (const lead of [LEAD_BOUNDS_MS.min, 100, 200, LEAD_BOUNDS_MS.max]) expect(entryWindowMs(lead)).toBe(Math.max(Number(rule![1]), Number(rule![2]) * lead));
    expect(doc).toMatch(/never\s+past `clock.stopAt`/);
  });

  it("describes a new session's initial state as the server creates it", async () => {
    const paragraph = (/\*\*A new session\*\*[\s\S]*?\n\n/.exec(doc)?.[0] ?? "").replace(/[`()]/g, "");
    const stated = new Map([...paragraph.matchAll(/(\w+): ([^,{}\n]+?)(?=[,}\n]|$)/g)].map((m) => [m[1]!, m[2]!.trim()]));
    const start = Date.UTC(2018, 6, 16, 12);
    const feed: FeedTimeline = {
      id: "f",
      slug: "doc",
      version: "v1",
      eventDate: "2018-07-16",
      publishedZone: "GMT",
      eventZone: "Europe/Helsinki",
      timeline: { start, end: start + 1000, entryTimes: [start, start + 1000] },
      entries: [],
      entryKeys: [],
      cardIds: new Set(["c"]),
      defaultPins: ["c"],
      detail: () => "{}",
    };
    const manager = new SessionManager({
      store: new MemorySessionStore(() => feed.slug),
      timelines: libraryOf(feed),
      now: () => 5_000,
      broadcast: { state: () => undefined, entries: () => undefined },
      publish: () => undefined,
    });
    const { session } = await manager.create("doc", "shared");
    const snapshot = session.snapshot(0);
    const actual: Record<string, unknown> = { ...snapshot.clock, ...snapshot.settings, previousClock: snapshot.previousClock, cursor: snapshot.cursor };
    const checked = ["playing", "rate", "revision", "idleLimitMs", "stopAt", "previousClock", "cursor", "pauseOn", "markedEntryKeys", "blanked"];
    expect(checked.filter((key) => !stated.has(key))).toEqual([]);
    for (const key of checked) expect([key, JSON.parse(stated.get(key)!)]).toEqual([key, actual[key]]);
    expect(stated.get("simAtAnchor")).toBe(`timeline.start − ${PRE_ROLL_MS}`);
    expect(snapshot.clock.simAtAnchor).toBe(start - PRE_ROLL_MS);
    expect(snapshot.clock.serverTimeAtAnchor).toBe(5_000);
    expect(snapshot.pinnedCards).toEqual(feed.defaultPins);
    expect(snapshot.revealedCards).toEqual([]);
    manager.close();
  });

  it("reads a bare time the way the doc says", () => {
    const example = /`jump "([^"]+)"` is [^`]*`([^`]+)`/.exec(doc);
    expect(example).not.toBeNull();
    const seed = { eventDate: "2018-07-16", publishedZone: "GMT", eventZone: "Europe/Helsinki" };
    expect(parseJumpTime(example![1]!, seed)).toEqual({ ok: true, ms: Date.parse(example![2]!), bare: true });
    const linked = /\?t=([^`)]+)/.exec(doc.slice(doc.indexOf("links the app writes")))![1]!;
    expect(parseJumpTime(linked, seed)).toMatchObject({ ok: true, ms: Date.parse(example![2]!) });
  });

  it("states the question limits the rules enforce", () => {
    const { promptMax, optionsMin, optionsMax, optionMax, answerMax } = QUESTION_LIMITS;
    expect(doc).toContain(`A prompt has 1–${promptMax} characters; a choice question ${optionsMin}–${optionsMax}`);
    expect(doc).toContain(`distinct options of at most ${optionMax}; a text answer at most **${answerMax}** characters`);
  });

  it("stays tight", () => {
    expect(doc.split("\n").length).toBeLessThanOrEqual(340);
  });
});
