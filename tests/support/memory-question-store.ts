/**
 * Questions and answers in memory, with the same contract as the PostgreSQL
 * store (`QuestionStore`): one open question per session, answers only while
 * open, one answer per student (a change keeps its id and hidden flag),
 * everything scoped to its session, and copies in and out. For the fast,
 * deterministic room-logic tests; the integration tests keep PostgreSQL.
 */
import crypto from "node:crypto";
import type { Answer, Question, QuestionRound } from "@/domain/classroom/questions";
import type { NewAnswer, NewQuestion, QuestionPersistence } from "@/server/classroom/question-store";

export class MemoryQuestionStore implements QuestionPersistence {
  private readonly questions = new Map<string, Question>();
  private readonly answers = new Map<string, Answer>();
  /** Runs before each write, so a test can slip a change in between a read and a write. */
  beforeWrite: (() => void) | undefined;

  async create(input: NewQuestion): Promise<Question | "already_open"> {
    this.beforeWrite?.();
    for (const question of this.questions.values()) {
      if (question.sessionId === input.sessionId && question.status === "open") return "already_open";
    }
    const question: Question = {
      id: crypto.randomUUID(),
      sessionId: input.sessionId,
      prompt: input.prompt,
      kind: input.kind,
      options: [...input.options],
      status: "open",
      correctOption: null,
      openedAt: input.openedAt.toISOString(),
      simAt: input.simAt,
      beforeEntryKey: input.beforeEntryKey,
      closedAt: null,
      revealedAt: null,
    };
    this.questions.set(question.id, question);
    return copy(question);
  }

  async close(sessionId: string, questionId: string, at: Date): Promise<Question | undefined> {
    this.beforeWrite?.();
    const question = this.question(sessionId, questionId);
    if (!question) return undefined;
    if (question.status === "open") Object.assign(question, { status: "closed", closedAt: at.toISOString() });
    return copy(question);
  }

  async reveal(sessionId: string, questionId: string, correctOption: number | null, at: Date): Promise<Question | undefined> {
    this.beforeWrite?.();
    const question = this.question(sessionId, questionId);
    if (!question) return undefined;
    Object.assign(question, {
      status: "revealed",
      correctOption,
      closedAt: question.closedAt ?? at.toISOString(),
      revealedAt: question.revealedAt ?? at.toISOString(),
    });
    return copy(question);
  }

  async setHidden(sessionId: string, answerId: string, hidden: boolean): Promise<Answer | undefined> {
    this.beforeWrite?.();
    const answer = this.answers.get(answerId);
    if (!answer || !this.question(sessionId, answer.questionId)) return undefined;
    answer.hidden = hidden;
    return copy(answer);
  }

  async upsertAnswer(sessionId: string, questionId: string, input: NewAnswer): Promise<Answer | undefined> {
    this.beforeWrite?.();
    const question = this.question(sessionId, questionId);
    if (question?.status !== "open") return undefined;
    const fields = { choice: input.choice, text: input.text, answeredAt: input.answeredAt.toISOString() };
    for (const answer of this.answers.values()) {
      if (answer.questionId === questionId && answer.studentId === input.studentId) {
        Object.assign(answer, fields);
        return copy(answer);
      }
    }
    const answer: Answer = { id: crypto.randomUUID(), questionId, studentId: input.studentId, ...fields, hidden: false };
    this.answers.set(answer.id, answer);
    return copy(answer);
  }

  async find(sessionId: string, questionId: string): Promise<QuestionRound | undefined> {
    const question = this.question(sessionId, questionId);
    return question && this.roundOf(question);
  }

  async current(sessionId: string): Promise<QuestionRound | undefined> {
    const mine = this.ofSession(sessionId);
    const question = mine.find((q) => q.status === "open") ?? mine.at(-1);
    return question && this.roundOf(question);
  }

  async list(sessionId: string): Promise<QuestionRound[]> {
    return this.ofSession(sessionId).map((question) => this.roundOf(question));
  }

  /** Removes a session's questions and answers, as the database's cascade does. */
  deleteSession(sessionId: string): void {
    for (const question of this.ofSession(sessionId)) {
      this.questions.delete(question.id);
      for (const [id, answer] of this.answers) if (answer.questionId === question.id) this.answers.delete(id);
    }
  }

  private question(sessionId: string, questionId: string): Question | undefined {
    const question = this.questions.get(questionId);
    return question?.sessionId === sessionId ? question : undefined;
  }

  private ofSession(sessionId: string): Question[] {
    return [...this.questions.values()]
      .filter((question) => question.sessionId === sessionId)
      .sort((a, b) => (a.openedAt < b.openedAt ? -1 : a.openedAt > b.openedAt ? 1 : a.id < b.id ? -1 : 1));
  }

  private roundOf(question: Question): QuestionRound {
    const answers = [...this.answers.values()]
      .filter((answer) => answer.questionId === question.id)
      .sort((a, b) => (a.answeredAt < b.answeredAt ? -1 : a.answeredAt > b.answeredAt ? 1 : a.id < b.id ? -1 : 1));
    return copy({ question, answers });
  }
}

function copy<T>(value: T): T {
  return structuredClone(value);
}
