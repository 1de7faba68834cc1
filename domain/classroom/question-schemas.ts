/**
 * The socket messages of "Predict, then reveal", as zod schemas, for
 * domain/protocol.ts to take into `clientEvents` and `serverEvents`. The rules
 * themselves (lengths, option counts, cleaning) live once, in ./questions.ts;
 * these schemas check the shape and call them, so a payload that parses here
 * is one the room logic accepts (unless the question changed meanwhile).
 */
import { z } from "zod";
import { QUESTION_LIMITS, validateQuestion, type PresenterQuestionView, type PublicQuestionView, type QuestionResults } from "./questions";

const id = z.string().uuid();

/**
 * A device's own random token (the browser keeps it in localStorage). The
 * server derives the student's pseudonymous id from it and never stores it.
 */
export const deviceTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, "not a device token");

/**
 * Raw lengths are bounded generously here (whitespace is cleaned and
 * characters are counted as code points by the rules); the payload limit
 * bounds the whole message anyway.
 */
export const questionInputSchema = z
  .object({
    prompt: z.string().max(QUESTION_LIMITS.promptMax * 4),
    kind: z.enum(["text", "choice"]),
    options: z.array(z.string().max(QUESTION_LIMITS.optionMax * 4)).max(QUESTION_LIMITS.optionsMax).optional(),
  })
  .superRefine((input, ctx) => {
    const checked = validateQuestion(input);
    if (!checked.ok) ctx.addIssue({ code: "custom", message: checked.message });
  });
export type QuestionInputPayload = z.infer<typeof questionInputSchema>;

const optionIndex = z.number().int().min(0).max(QUESTION_LIMITS.optionsMax - 1);

/** A follower's answer: a choice or a text, exactly one. Whether it fits the question is the room's to say. */
const answerPayload = z
  .object({
    sessionId: id,
    questionId: id,
    device: deviceTokenSchema,
    choice: optionIndex.optional(),
    text: z.string().max(QUESTION_LIMITS.answerMax * 4).optional(),
  })
  .refine((answer) => (answer.choice === undefined) !== (answer.text === undefined), "give exactly one of choice and text");

/** Client → server. Every event takes an acknowledgement callback. */
export const questionClientEvents = {
  /** Presenter only. Opens a question at the session's current moment (the server reads the clock). */
  "question:open": z.object({ sessionId: id, question: questionInputSchema }),
  /** Presenter only. No more answers; idempotent. */
  "question:close": z.object({ sessionId: id, questionId: id }),
  /** Presenter only. Hides (or shows again) one answer; hidden answers are left out of what the class sees. */
  "question:hide": z.object({ sessionId: id, answerId: id, hidden: z.boolean() }),
  /** Presenter only. Closes it if open and shows the results, with the right choice if given (choice questions). */
  "question:reveal": z.object({ sessionId: id, questionId: id, correctOption: optionIndex.nullable() }),
  /** Followers. One answer per device; a new one replaces it while the question is open. */
  "question:answer": answerPayload,
  /** Anyone joined. The current question as this socket may see it (with `mine` for the device given). */
  "question:current": z.object({ sessionId: id, device: deviceTokenSchema.optional() }),
  /** Presenter only. Every question and answer of the session, as a file. */
  "question:export": z.object({ sessionId: id, format: z.enum(["csv", "json"]) }),
} as const;

// ---------------------------------------------------------------------------
// Views, as sent by the server (clients may parse them)

const iso = z.string();

export const questionResultsSchema: z.ZodType<QuestionResults> = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("choice"), counts: z.array(z.number().int().nonnegative()), total: z.number().int().nonnegative() }),
  z.object({
    kind: z.literal("text"),
    groups: z.array(z.object({ text: z.string(), count: z.number().int().positive() })),
    total: z.number().int().nonnegative(),
  }),
]);

const ownAnswerSchema = z.object({ choice: z.number().int().nullable(), text: z.string().nullable(), answeredAt: iso });

const publicBase = {
  id,
  sessionId: id,
  prompt: z.string(),
  kind: z.enum(["text", "choice"]),
  options: z.array(z.string()),
  openedAt: iso,
  answeredCount: z.number().int().nonnegative(),
  mine: ownAnswerSchema.nullable().optional(),
};

/** What followers and the projector see (strict: a field that should not be there fails the parse). */
export const publicQuestionViewSchema: z.ZodType<PublicQuestionView> = z.discriminatedUnion("status", [
  z.strictObject({ ...publicBase, status: z.literal("open") }),
  z.strictObject({ ...publicBase, status: z.literal("closed"), closedAt: iso }),
  z.strictObject({
    ...publicBase,
    status: z.literal("revealed"),
    closedAt: iso,
    revealedAt: iso,
    results: questionResultsSchema,
    correctOption: z.number().int().nullable(),
    predictedCorrect: z.number().int().nonnegative().nullable(),
  }),
]);

export const questionSchema = z.object({
  id,
  sessionId: id,
  prompt: z.string(),
  kind: z.enum(["text", "choice"]),
  options: z.array(z.string()),
  status: z.enum(["open", "closed", "revealed"]),
  correctOption: z.number().int().nullable(),
  openedAt: iso,
  simAt: z.number(),
  beforeEntryKey: z.string().nullable(),
  closedAt: iso.nullable(),
  revealedAt: iso.nullable(),
});

export const answerSchema = z.object({
  id,
  questionId: id,
  studentId: z.string(),
  choice: z.number().int().nullable(),
  text: z.string().nullable(),
  answeredAt: iso,
  hidden: z.boolean(),
});

export const presenterQuestionViewSchema: z.ZodType<PresenterQuestionView> = z.object({
  question: questionSchema,
  answers: z.array(answerSchema),
  answeredCount: z.number().int().nonnegative(),
  hiddenCount: z.number().int().nonnegative(),
  results: questionResultsSchema,
  predictedCorrect: z.number().int().nonnegative().nullable(),
});

/** Server → client. */
export const questionServerEvents = {
  /** To everyone in the session (presenters, projector, followers): the class's view of the current question. */
  "question:state": z.object({ sessionId: id, question: publicQuestionViewSchema.nullable() }),
  /** To presenters only: everything about the current question. */
  "question:answers": z.object({ sessionId: id, question: presenterQuestionViewSchema }),
} as const;

export const questionExportSchema = z.object({ filename: z.string(), contentType: z.string(), body: z.string() });

/** The success acks (besides `ok: true`), for domain/protocol.ts's ClientAcks. */
export interface QuestionAcks {
  "question:open": { ok: true; question: PresenterQuestionView };
  "question:close": { ok: true; question: PresenterQuestionView };
  "question:hide": { ok: true; question: PresenterQuestionView };
  "question:reveal": { ok: true; question: PresenterQuestionView };
  "question:answer": { ok: true; question: PublicQuestionView };
  "question:current": { ok: true; question: PublicQuestionView | PresenterQuestionView | null };
  "question:export": { ok: true } & z.infer<typeof questionExportSchema>;
}
