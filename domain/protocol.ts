/**
 * The socket protocol, defined once: zod schemas for every event in both
 * directions, with the TypeScript types derived from them. The server parses
 * every incoming payload with these; clients may parse what they receive.
 * docs/PROTOCOL.md describes it for people; tests/unit/protocol-doc.test.ts keeps
 * the two in step.
 */
import { z } from "zod";
import { RATE_MAX, RATE_MIN, type Timeline } from "./replay/clock";
import { normalizeJoinCode } from "./join-code";
import { clockStateSchema } from "./replay/clock-schema";
import { questionClientEvents, questionServerEvents, type QuestionAcks } from "./classroom/question-schemas";
import { ErrorReason, FEED_SLUG_PATTERN, JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, type Refusal } from "./protocol-constants";

// The constants live where the browser can import them without zod; they are
// part of the protocol, so they are exported here too.
export {
  ErrorReason,
  FEED_SLUG_MAX,
  FEED_SLUG_PATTERN,
  JOIN_CODE_ALPHABET,
  JOIN_CODE_LENGTH,
  MAX_PAYLOAD_BYTES,
  PROTOCOL_VERSION,
  QuestionReason,
  RATE_LIMIT,
  refusal,
  SYNC_TOLERANCE_MS,
  type Refusal,
} from "./protocol-constants";

// ---------------------------------------------------------------------------
// Shared shapes

const id = z.string().uuid();
/** Join codes as typed (see JOIN_CODE_ALPHABET): spaces, dashes and case do not matter. */
export const joinCodeSchema = z
  .string()
  .max(20)
  .transform(normalizeJoinCode)
  .pipe(z.string().regex(new RegExp(`^[${JOIN_CODE_ALPHABET}]{${JOIN_CODE_LENGTH}}$`), "not a join code"));
export const secretSchema = z.string().min(22).max(128);
export const feedSlugSchema = z.string().regex(FEED_SLUG_PATTERN, "not a feed slug");
const finiteMs = z.number().finite();

export const entrySchema = z.object({
  id: z.string(),
  key: z.string(),
  publishedAt: z.string(),
  kind: z.enum(["text", "photo", "video"]),
  title: z.string(),
  body: z.string(),
  photoCaption: z.string().nullable(),
  photoCredit: z.string().nullable(),
  videoTitle: z.string().nullable(),
});
export type ProtocolEntry = z.infer<typeof entrySchema>;

export const pauseModeSchema = z.enum(["off", "every", "marked"]);

export const sessionSettingsSchema = z.object({
  pauseOn: pauseModeSchema,
  /** Entry keys to pause before, when pauseOn is "marked". */
  markedEntryKeys: z.array(z.string()),
  /** The presenter blanked the projector (the "b" key on the console). */
  blanked: z.boolean(),
});
export type SessionSettings = z.infer<typeof sessionSettingsSchema>;

/**
 * Everything a client needs to show a session: the clock, and which entries it
 * holds. A client keeps entries[0..cursor) of the feed in replay order; a
 * snapshot tells it to keep its first `base` entries and append `entries`.
 */
export const snapshotSchema = z.object({
  sessionId: id,
  feed: feedSlugSchema,
  code: z.string().nullable(),
  clock: clockStateSchema,
  /** The clock in force before `clock` takes effect (if `clock` is anchored in the future). */
  previousClock: clockStateSchema.nullable(),
  base: z.number().int().nonnegative(),
  cursor: z.number().int().nonnegative(),
  entries: z.array(entrySchema),
  pinnedCards: z.array(z.string()),
  revealedCards: z.array(z.string()),
  settings: sessionSettingsSchema,
  expiresAt: z.string(),
});
export type Snapshot = z.infer<typeof snapshotSchema>;

// ---------------------------------------------------------------------------
// Client → server. Every event takes an acknowledgement callback.

export const commandSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("play") }),
  z.object({ type: z.literal("pause") }),
  z.object({ type: z.literal("seek"), to: finiteMs }),
  z.object({ type: z.literal("jump"), input: z.string().max(100) }),
  z.object({ type: z.literal("rate"), rate: z.number().finite().min(RATE_MIN).max(RATE_MAX) }),
  z.object({ type: z.literal("step"), direction: z.union([z.literal(1), z.literal(-1)]) }),
  z.object({ type: z.literal("idle"), limitMs: z.number().int().min(500).max(60_000).nullable() }),
  z.object({ type: z.literal("pauseOn"), mode: pauseModeSchema, markedEntryKeys: z.array(z.string().max(200)).max(5000).optional() }),
  z.object({ type: z.literal("pin"), card: z.string().max(200), pinned: z.boolean() }),
  z.object({ type: z.literal("reveal"), card: z.string().max(200), revealed: z.boolean() }),
  z.object({ type: z.literal("blank"), blanked: z.boolean() }),
]);
export type Command = z.infer<typeof commandSchema>;

/** Where a new session starts; each field as the command of the same name would set it. */
export const sessionStartSchema = z.object({
  /** Simulated time (clamped to the replay's bounds), as `seek`. */
  sim: finiteMs.optional(),
  rate: z.number().finite().min(RATE_MIN).max(RATE_MAX).optional(),
  idleLimitMs: z.number().int().min(500).max(60_000).nullable().optional(),
  pauseOn: pauseModeSchema.optional(),
  markedEntryKeys: z.array(z.string().max(200)).max(5000).optional(),
  /** Start playing at once (towards the first pause point). */
  playing: z.boolean().optional(),
});
export type SessionStart = z.infer<typeof sessionStartSchema>;

export const clientEvents = {
  /** NTP-style sample: the server answers with its clock. */
  "time:ping": z.object({ t0: finiteMs }),
  /**
   * Creates a session on a feed, optionally already at a moment, speed and
   * pause mode (one round trip instead of create-then-commands). Solo sessions
   * have no join code.
   */
  "session:create": z.object({ feed: feedSlugSchema, kind: z.enum(["solo", "shared"]), start: sessionStartSchema.optional() }),
  /**
   * Joins a session by code or id; with the secret, as its presenter.
   * `have` is what the client already holds (after a reconnect).
   */
  "session:join": z
    .object({
      code: joinCodeSchema.optional(),
      sessionId: id.optional(),
      secret: secretSchema.optional(),
      /** This follower is a projector: it shows the class's screen and is not counted among those following. */
      screen: z.literal("projector").optional(),
      have: z.object({ revision: z.number().int().nonnegative(), cursor: z.number().int().nonnegative() }).optional(),
    })
    .refine((join) => Boolean(join.code) !== Boolean(join.sessionId), "give exactly one of code and sessionId"),
  /** Asks for a snapshot relative to what the client holds (e.g. after a gap). */
  "session:sync": z.object({ sessionId: id, have: z.object({ revision: z.number().int().nonnegative(), cursor: z.number().int().nonnegative() }) }),
  /** Presenter only. */
  "session:control": z.object({ sessionId: id, command: commandSchema }),
  "session:leave": z.object({ sessionId: id }),
  /** A follower reading on its own (detached) or back on the session's clock; shown to the presenter. */
  "session:status": z.object({ sessionId: id, detached: z.boolean() }),
  ...questionClientEvents,
} as const;
export type ClientEventName = keyof typeof clientEvents;
export type ClientPayload<E extends ClientEventName> = z.infer<(typeof clientEvents)[E]>;

/** Entry times of the whole feed (no content), for the clock's idle-gap warp and the scrubber. */
export const timelineSchema = z.object({ start: finiteMs, end: finiteMs, entryTimes: z.array(finiteMs) });
/** The clock's Timeline (domain/replay/clock.ts): one type, whichever name it is imported by. */
export type ProtocolTimeline = Timeline;
// Compile-time check that the schema describes exactly the clock's Timeline.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const timelineSchemaIsTimeline: Same<z.infer<typeof timelineSchema>, Timeline> = true;
void timelineSchemaIsTimeline;

export interface ClientAcks extends QuestionAcks {
  "time:ping": { ok: true; t0: number; serverTime: number };
  "session:create": { ok: true; sessionId: string; code: string | null; secret: string; snapshot: Snapshot; timeline: ProtocolTimeline; feedVersion: string };
  "session:join": { ok: true; role: "presenter" | "follower"; snapshot: Snapshot; timeline: ProtocolTimeline; feedVersion: string };
  "session:sync": { ok: true; snapshot: Snapshot };
  "session:control": { ok: true; clock: z.infer<typeof clockStateSchema> };
  "session:leave": { ok: true };
  "session:status": { ok: true };
}

// ---------------------------------------------------------------------------
// Server → client

/** How the followers of a session keep up, as the server last measured them. */
export const followerSyncSchema = z.object({
  /** On the session's clock, holding its latest state, skew within SYNC_TOLERANCE_MS. */
  inSync: z.number().int(),
  /** Reading back or scrubbing on their own. */
  detached: z.number().int(),
  /** Behind: an old state, a skew over the tolerance, or no answer to the last probe. */
  lagging: z.number().int(),
  /** Largest measured |skew| of a follower's clock estimate, ms; null before the first measurement. */
  maxSkewMs: z.number().nullable(),
  /** Median measured |skew|, ms. */
  medianSkewMs: z.number().nullable(),
});
export type FollowerSync = z.infer<typeof followerSyncSchema>;

/** A follower's answer to `session:probe`. */
export const probeAnswerSchema = z.object({
  /** The follower's estimate of the server's clock when it answered. */
  serverNow: finiteMs,
  revision: z.number().int().nonnegative(),
  cursor: z.number().int().nonnegative(),
  detached: z.boolean(),
});
export type ProbeAnswer = z.infer<typeof probeAnswerSchema>;

export const serverEvents = {
  /** Sent once on connection. */
  "server:hello": z.object({ protocol: z.number().int(), version: z.string(), serverTime: finiteMs }),
  /** The session changed: clock, pins or settings. Apply `base`/`entries` as in a snapshot. */
  "session:state": snapshotSchema,
  /**
   * Entries that fell due, in replay order: entries[from..to). A client whose
   * cursor is not `from` asks for `session:sync`.
   */
  "session:entries": z.object({ sessionId: id, revision: z.number().int(), from: z.number().int(), to: z.number().int(), entries: z.array(entrySchema) }),
  /** Connected followers and how well they keep up, for the presenter. */
  "session:presence": z.object({ sessionId: id, followers: z.number().int(), presenters: z.number().int(), projectors: z.number().int(), sync: followerSyncSchema }),
  /** To everyone in the session: how many follow it (projectors not counted), for the projector's lobby and answer count. */
  "session:audience": z.object({ sessionId: id, followers: z.number().int() }),
  /**
   * The server measuring a follower: answer (ack) with your estimate of the
   * server's clock and what you hold; see probeAnswerSchema.
   */
  "session:probe": z.object({ sessionId: id, serverTime: finiteMs }),
  /** The session no longer exists (its feed was deleted from the library): nothing more comes for it. */
  "session:ended": z.object({ sessionId: id, reason: z.literal(ErrorReason.unknownSession), message: z.string() }),
  ...questionServerEvents,
} as const;
export type ServerEventName = keyof typeof serverEvents;
export type ServerPayload<E extends ServerEventName> = z.infer<(typeof serverEvents)[E]>;

/** Typed socket.io event maps (types are not validation: the server still parses). */
export type ClientToServerEvents = {
  [E in ClientEventName]: (payload: ClientPayload<E>, ack: (response: ClientAcks[E] | Refusal) => void) => void;
};
export type ServerToClientEvents = {
  [E in Exclude<ServerEventName, "session:probe">]: (payload: ServerPayload<E>) => void;
} & {
  "session:probe": (payload: ServerPayload<"session:probe">, ack: (answer: ProbeAnswer) => void) => void;
};

/** The handshake: `io(url, { auth: { protocol: PROTOCOL_VERSION } })`. */
export const handshakeSchema = z.object({ protocol: z.number().int() });
