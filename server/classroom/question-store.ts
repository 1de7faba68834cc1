/**
 * Persistence of class questions and answers in PostgreSQL, with the session
 * (deleting a session deletes them). Every write is one statement, and the
 * rules that races could break are kept by PostgreSQL itself:
 *
 * - one open question per session: `openSessionId` is unique and set only
 *   while open, so a second open fails on the constraint;
 * - no answer after the close: an answer is written by one INSERT … SELECT
 *   that takes a share lock on the question row while it is open. A close
 *   (an UPDATE of that row) waits for answers already in flight, and an
 *   answer waiting on a close re-reads the row and finds it closed. Either
 *   way an answer is in before the close, or refused: never half.
 */
import crypto from "node:crypto";
import type { Answer, Question, QuestionKind, QuestionRound, QuestionStatus } from "../../domain/classroom/questions";
import type { Db } from "../db/database";

export interface NewQuestion {
  sessionId: string;
  prompt: string;
  kind: QuestionKind;
  options: string[];
  simAt: number;
  beforeEntryKey: string | null;
  openedAt: Date;
}

export interface NewAnswer {
  studentId: string;
  choice: number | null;
  text: string | null;
  answeredAt: Date;
}

/**
 * What the room logic (ClassQuestions) needs from storage: PostgreSQL in the
 * server, memory in tests. Every call is scoped to a session, so that an id
 * from another session finds nothing.
 */
export interface QuestionPersistence {
  /** Inserts an open question, or answers "already_open" if the session has one open. */
  create(question: NewQuestion): Promise<Question | "already_open">;
  /** Closes an open question; one that is not open is returned as it is. Undefined if none. */
  close(sessionId: string, questionId: string, at: Date): Promise<Question | undefined>;
  /**
   * Marks it revealed with the right choice (closing it first if open; an
   * earlier close or reveal time is kept). Undefined if none.
   */
  reveal(sessionId: string, questionId: string, correctOption: number | null, at: Date): Promise<Question | undefined>;
  /** Hides or shows an answer. Undefined if the session has no such answer. */
  setHidden(sessionId: string, answerId: string, hidden: boolean): Promise<Answer | undefined>;
  /**
   * Writes the student's answer, replacing an earlier one (which keeps its
   * id and its hidden flag), only if the question is open at that instant.
   * Undefined if it is not open (or does not exist).
   */
  upsertAnswer(sessionId: string, questionId: string, answer: NewAnswer): Promise<Answer | undefined>;
  find(sessionId: string, questionId: string): Promise<QuestionRound | undefined>;
  /** The open question, or else the one opened last; undefined if the session has none. */
  current(sessionId: string): Promise<QuestionRound | undefined>;
  /** Every question of the session with its answers, in the order they were opened. */
  list(sessionId: string): Promise<QuestionRound[]>;
}

interface QuestionRow {
  id: string;
  sessionId: string;
  prompt: string;
  kind: string;
  options: string[];
  status: string;
  correctOption: number | null;
  openedAt: Date;
  simAt: number;
  beforeEntryKey: string | null;
  closedAt: Date | null;
  revealedAt: Date | null;
}

interface AnswerRow {
  id: string;
  questionId: string;
  studentId: string;
  choice: number | null;
  text: string | null;
  answeredAt: Date;
  hidden: boolean;
}

const iso = (date: Date | null) => (date === null ? null : new Date(date).toISOString());

function toQuestion(row: QuestionRow): Question {
  return {
    id: row.id,
    sessionId: row.sessionId,
    prompt: row.prompt,
    kind: row.kind as QuestionKind,
    options: row.options,
    status: row.status as QuestionStatus,
    correctOption: row.correctOption,
    openedAt: iso(row.openedAt)!,
    simAt: Number(row.simAt),
    beforeEntryKey: row.beforeEntryKey,
    closedAt: iso(row.closedAt),
    revealedAt: iso(row.revealedAt),
  };
}

function toAnswer(row: AnswerRow): Answer {
  return {
    id: row.id,
    questionId: row.questionId,
    studentId: row.studentId,
    choice: row.choice,
    text: row.text,
    answeredAt: iso(row.answeredAt)!,
    hidden: row.hidden,
  };
}

const questionColumns = {
  id: true,
  sessionId: true,
  prompt: true,
  kind: true,
  options: true,
  status: true,
  correctOption: true,
  openedAt: true,
  simAt: true,
  beforeEntryKey: true,
  closedAt: true,
  revealedAt: true,
} as const;

const answerOrder = [{ answeredAt: "asc" }, { id: "asc" }] as const;

export class QuestionStore implements QuestionPersistence {
  constructor(private readonly db: Db) {}

  async create(input: NewQuestion): Promise<Question | "already_open"> {
    try {
      const row = await this.db.sessionQuestion.create({
        data: {
          sessionId: input.sessionId,
          openSessionId: input.sessionId,
          prompt: input.prompt,
          kind: input.kind,
          options: input.options,
          status: "open",
          openedAt: input.openedAt,
          simAt: input.simAt,
          beforeEntryKey: input.beforeEntryKey,
        },
        select: questionColumns,
      });
      return toQuestion(row);
    } catch (error) {
      if ((error as { code?: string }).code === "P2002") return "already_open";
      throw error;
    }
  }

  async close(sessionId: string, questionId: string, at: Date): Promise<Question | undefined> {
    const rows = await this.db.$queryRaw<QuestionRow[]>`
      UPDATE session_question
         SET status = 'closed', "closedAt" = ${at.toISOString()}::timestamptz, "openSessionId" = NULL
       WHERE id = ${questionId}::uuid AND "sessionId" = ${sessionId}::uuid AND status = 'open'
      RETURNING id, "sessionId", prompt, kind, options, status, "correctOption", "openedAt", "simAt", "beforeEntryKey", "closedAt", "revealedAt"`;
    if (rows[0]) return toQuestion(rows[0]);
    return (await this.findQuestion(sessionId, questionId)) ?? undefined;
  }

  async reveal(sessionId: string, questionId: string, correctOption: number | null, at: Date): Promise<Question | undefined> {
    const when = at.toISOString();
    const rows = await this.db.$queryRaw<QuestionRow[]>`
      UPDATE session_question
         SET status = 'revealed', "correctOption" = ${correctOption}::int, "openSessionId" = NULL,
             "closedAt" = COALESCE("closedAt", ${when}::timestamptz), "revealedAt" = COALESCE("revealedAt", ${when}::timestamptz)
       WHERE id = ${questionId}::uuid AND "sessionId" = ${sessionId}::uuid
      RETURNING id, "sessionId", prompt, kind, options, status, "correctOption", "openedAt", "simAt", "beforeEntryKey", "closedAt", "revealedAt"`;
    return rows[0] && toQuestion(rows[0]);
  }

  async setHidden(sessionId: string, answerId: string, hidden: boolean): Promise<Answer | undefined> {
    const rows = await this.db.$queryRaw<AnswerRow[]>`
      UPDATE question_answer a
         SET hidden = ${hidden}
        FROM session_question q
       WHERE a.id = ${answerId}::uuid AND q.id = a."questionId" AND q."sessionId" = ${sessionId}::uuid
      RETURNING a.id, a."questionId", a."studentId", a.choice, a.text, a."answeredAt", a.hidden`;
    return rows[0] && toAnswer(rows[0]);
  }

  async upsertAnswer(sessionId: string, questionId: string, answer: NewAnswer): Promise<Answer | undefined> {
    // FOR SHARE: see the header. ON CONFLICT keeps the row's id and hidden
    // flag, so an answer the presenter hid stays hidden when it is changed.
    const rows = await this.db.$queryRaw<AnswerRow[]>`
      INSERT INTO question_answer (id, "questionId", "studentId", choice, text, "answeredAt", hidden)
      SELECT ${crypto.randomUUID()}::uuid, q.id, ${answer.studentId}, ${answer.choice}::int, ${answer.text}::text,
             ${answer.answeredAt.toISOString()}::timestamptz, false
        FROM session_question q
       WHERE q.id = ${questionId}::uuid AND q."sessionId" = ${sessionId}::uuid AND q.status = 'open'
         FOR SHARE
      ON CONFLICT ("questionId", "studentId") DO UPDATE
         SET choice = EXCLUDED.choice, text = EXCLUDED.text, "answeredAt" = EXCLUDED."answeredAt"
      RETURNING id, "questionId", "studentId", choice, text, "answeredAt", hidden`;
    return rows[0] && toAnswer(rows[0]);
  }

  async find(sessionId: string, questionId: string): Promise<QuestionRound | undefined> {
    const row = await this.db.sessionQuestion.findFirst({
      where: { id: questionId, sessionId },
      select: { ...questionColumns, answers: { orderBy: [...answerOrder] } },
    });
    return row ? { question: toQuestion(row), answers: row.answers.map(toAnswer) } : undefined;
  }

  async current(sessionId: string): Promise<QuestionRound | undefined> {
    // The open one if any (there is at most one), else the latest.
    const row = await this.db.sessionQuestion.findFirst({
      where: { sessionId },
      orderBy: [{ openSessionId: { sort: "asc", nulls: "last" } }, { openedAt: "desc" }, { id: "desc" }],
      select: { ...questionColumns, answers: { orderBy: [...answerOrder] } },
    });
    return row ? { question: toQuestion(row), answers: row.answers.map(toAnswer) } : undefined;
  }

  async list(sessionId: string): Promise<QuestionRound[]> {
    const rows = await this.db.sessionQuestion.findMany({
      where: { sessionId },
      orderBy: [{ openedAt: "asc" }, { id: "asc" }],
      select: { ...questionColumns, answers: { orderBy: [...answerOrder] } },
    });
    return rows.map((row) => ({ question: toQuestion(row), answers: row.answers.map(toAnswer) }));
  }

  private async findQuestion(sessionId: string, questionId: string): Promise<Question | null> {
    const row = await this.db.sessionQuestion.findFirst({ where: { id: questionId, sessionId }, select: questionColumns });
    return row && toQuestion(row);
  }
}
