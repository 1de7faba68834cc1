/**
 * The protocol's fixed words and numbers, in one module without zod, so that
 * the browser, the command-line follower and the bench can import them
 * without the schemas. `domain/protocol.ts` builds its schemas from these and
 * re-exports them; docs/PROTOCOL.md states them for people, and
 * tests/unit/protocol-doc.test.ts keeps the two in step.
 */

/** Bumped on any incompatible protocol change. Clients send it in the handshake (`auth.protocol`). */
export const PROTOCOL_VERSION = 2;

/** Largest accepted payload, in bytes of JSON. Larger ones are refused with `too_large`. */
export const MAX_PAYLOAD_BYTES = 4096;

/** Per-socket token bucket: bursts of 40 messages, 20 a second sustained. Over it, `rate_limited`. */
export const RATE_LIMIT = { burst: 40, perSecond: 20 } as const;

/**
 * A shared session's lead: a clock change takes effect this long after the
 * server receives it. Sized from the session's measured delivery (1.5 × the
 * slowest follower's probe round trip), never below `min` nor above `max`
 * (docs/PROTOCOL.md, "The lead").
 */
export const LEAD_BOUNDS_MS = { min: 40, max: 1000 } as const;

/**
 * Entries go out ahead of their instant, by up to the entry window of wall
 * time: max(ENTRY_WINDOW_MIN_MS, 2 × the session's lead), never past the
 * clock's stopAt (docs/PROTOCOL.md, "The entries stream").
 */
export const ENTRY_WINDOW_MIN_MS = 500;

/** A follower whose clock estimate is further than this from the server's is lagging. */
export const SYNC_TOLERANCE_MS = 50;

/** Join codes: 6 characters from an alphabet without 0/O, 1/I/l; shown as ABC-DEF. */
export const JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const JOIN_CODE_LENGTH = 6;

/**
 * A feed's slug: lower-case letters and digits in runs joined by single
 * hyphens, at most 100 characters. The importer gives feeds no other names,
 * so nothing else can name a feed.
 */
export const FEED_SLUG_MAX = 100;
export const FEED_SLUG_PATTERN = /^(?=.{1,100}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Why a question request was refused (domain/classroom/questions.ts). These join the protocol's error reasons. */
export const QuestionReason = {
  /** No question with that id in this session (or none at all). */
  noQuestion: "no_question",
  /** No answer with that id in this session. */
  noAnswer: "no_answer",
  /** Another question of this session is still open: close it first. */
  questionOpen: "question_open",
  /** The question no longer takes answers (closed or revealed). */
  questionClosed: "question_closed",
  /** The question's prompt, options or right choice break the rules. */
  invalidQuestion: "invalid_question",
  /** The answer does not fit its question (wrong kind, out of range, empty, too long). */
  invalidAnswer: "invalid_answer",
} as const;
export type QuestionReason = (typeof QuestionReason)[keyof typeof QuestionReason];

/** Why a request was refused. Sent as `{ ok: false, reason, message }`. */
export const ErrorReason = {
  protocolMismatch: "protocol_mismatch",
  invalidPayload: "invalid_payload",
  tooLarge: "too_large",
  rateLimited: "rate_limited",
  unknownFeed: "unknown_feed",
  unknownSession: "unknown_session",
  sessionExpired: "session_expired",
  notJoined: "not_joined",
  notPresenter: "not_presenter",
  badSecret: "bad_secret",
  unknownCard: "unknown_card",
  badTime: "bad_time",
  conflict: "conflict",
  unavailable: "unavailable",
  internal: "internal",
  // "Predict, then reveal"
  ...QuestionReason,
} as const;
export type ErrorReason = (typeof ErrorReason)[keyof typeof ErrorReason];

/** A refused request, as the client hears it (every acknowledgement is this or `{ ok: true, … }`). */
export interface Refusal<R extends ErrorReason = ErrorReason> {
  ok: false;
  reason: R;
  message: string;
}

/** The one way a refusal is built. */
export function refusal<R extends ErrorReason>(reason: R, message: string): Refusal<R> {
  return { ok: false, reason, message };
}
