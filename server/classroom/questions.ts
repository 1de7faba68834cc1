/**
 * "Predict, then reveal" in a class session: the room logic the socket layer
 * calls. The rules are domain/classroom/questions.ts; storage is a
 * QuestionPersistence (PostgreSQL, or memory in tests); time is passed in.
 *
 * Each method returns the question's round (the question and all its
 * answers) as it stands after the change, for the caller to broadcast with
 * domain's publicView: the "follower" view to the whole session, the
 * "presenter" view to its presenters. Changes of one session run one at a time
 * here, so the rounds of one process come back in the order they were made.
 * Refusals are QuestionErrors with a reason.
 */
import crypto from "node:crypto";
import {
  exportRows,
  QuestionReason,
  toCsv,
  toJson,
  validateAnswer,
  validateCorrectOption,
  validateQuestion,
  type Answer,
  type AnswerInput,
  type QuestionInput,
  type QuestionRound,
} from "../../domain/classroom/questions";
import { RefusalError } from "../replay/refusals";
import type { QuestionPersistence } from "./question-store";

/** A question refused with one of the question reasons; answered like every other refusal. */
export class QuestionError extends RefusalError<QuestionReason> {
  override name = "QuestionError";
}

/**
 * The session a request is for, as the socket layer holds it (a loaded
 * session's `state` has these fields). `secretHash` keys the student ids: it
 * is secret and stable across restarts, so a device keeps its id (and its one
 * answer) through a restart, and cannot be linked across sessions.
 */
export interface QuestionSession {
  id: string;
  code: string | null;
  secretHash: string;
}

export interface ExportFile {
  filename: string;
  contentType: string;
  body: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEVICE_TOKEN = /^[A-Za-z0-9_-]{16,128}$/;
/** 32 symbols without 0/o/1/l look-alikes: 5 bits each. */
const STUDENT_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";

/**
 * "s-" and 8 characters (40 bits) of an HMAC of the session and the device
 * token: the same device gets the same id in a session, and nobody can get
 * from the id back to the token, or link one device's ids across sessions.
 */
export function studentIdFor(session: QuestionSession, deviceToken: string): string {
  const digest = crypto.createHmac("sha256", session.secretHash).update(`relive-student\0${session.id}\0${deviceToken}`).digest();
  let bits = 0n;
  for (const byte of digest.subarray(0, 5)) bits = (bits << 8n) | BigInt(byte);
  let id = "";
  for (let i = 7; i >= 0; i--) id += STUDENT_ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)];
  return `s-${id}`;
}

export class ClassQuestions {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: QuestionPersistence,
    private readonly now: () => number,
  ) {}

  /**
   * Opens a question at simulated time `simAt`, before the entry
   * `beforeEntryKey` (domain's nextEntryKey). Refused with `question_open`
   * while another is open: closing it is the presenter's own step, so that a
   * second console or a repeated key never ends a question students are
   * answering.
   */
  open(session: QuestionSession, input: QuestionInput, simAt: number, beforeEntryKey: string | null): Promise<QuestionRound> {
    const checked = validateQuestion(input);
    if (!checked.ok) return Promise.reject(new QuestionError(checked.reason, checked.message));
    if (!Number.isFinite(simAt)) return Promise.reject(new QuestionError(QuestionReason.invalidQuestion, "The question needs the simulated time it is asked at"));
    return this.enqueue(session.id, async () => {
      const created = await this.store.create({ sessionId: session.id, ...checked.value, simAt, beforeEntryKey, openedAt: new Date(this.now()) });
      if (created === "already_open") throw new QuestionError(QuestionReason.questionOpen, "Another question is still open; close it first");
      return { question: created, answers: [] };
    });
  }

  /** A student's answer, or a change of it, while the question is open. */
  answer(session: QuestionSession, questionId: string, deviceToken: string, input: AnswerInput): Promise<{ round: QuestionRound; answer: Answer; studentId: string }> {
    if (typeof deviceToken !== "string" || !DEVICE_TOKEN.test(deviceToken)) {
      return Promise.reject(new QuestionError(QuestionReason.invalidAnswer, "This device has no valid token; reload the page"));
    }
    const studentId = studentIdFor(session, deviceToken);
    return this.enqueue(session.id, async () => {
      const before = await this.round(session.id, questionId);
      const checked = validateAnswer(before.question, input);
      if (!checked.ok) throw new QuestionError(checked.reason, checked.message);
      const answer = await this.store.upsertAnswer(session.id, questionId, { studentId, ...checked.value, answeredAt: new Date(this.now()) });
      // Closed between the read and the write (by another process): the database refused it.
      if (!answer) throw new QuestionError(QuestionReason.questionClosed, "This question no longer takes answers");
      return { round: await this.round(session.id, questionId), answer, studentId };
    });
  }

  /** No more answers. Closing a question that is not open changes nothing. */
  close(session: QuestionSession, questionId: string): Promise<QuestionRound> {
    return this.enqueue(session.id, async () => {
      if (!UUID.test(questionId)) throw noQuestion();
      const closed = await this.store.close(session.id, questionId, new Date(this.now()));
      if (!closed) throw noQuestion();
      return this.round(session.id, questionId);
    });
  }

  /** Hides an answer from the class (or shows it again). Allowed in every state: a bad answer can be taken down even after the reveal. */
  hide(session: QuestionSession, answerId: string, hidden: boolean): Promise<QuestionRound> {
    return this.enqueue(session.id, async () => {
      if (!UUID.test(answerId)) throw noAnswer();
      const answer = await this.store.setHidden(session.id, answerId, hidden === true);
      if (!answer) throw noAnswer();
      return this.round(session.id, answer.questionId);
    });
  }

  /**
   * Shows the class the results, closing the question if it is still open.
   * `correctOption` marks the right choice (choice questions) or null; a
   * second reveal may change it.
   */
  reveal(session: QuestionSession, questionId: string, correctOption: number | null): Promise<QuestionRound> {
    return this.enqueue(session.id, async () => {
      const { question } = await this.round(session.id, questionId);
      const checked = validateCorrectOption(question, correctOption);
      if (!checked.ok) throw new QuestionError(checked.reason, checked.message);
      const revealed = await this.store.reveal(session.id, questionId, checked.value, new Date(this.now()));
      if (!revealed) throw noQuestion();
      return this.round(session.id, questionId);
    });
  }

  /** The open question, or else the latest; undefined if the session has had none. */
  async current(sessionId: string): Promise<QuestionRound | undefined> {
    if (!UUID.test(sessionId)) return undefined;
    return this.store.current(sessionId);
  }

  /** Every question and answer of the session, for the presenter. */
  async export(session: QuestionSession, format: "csv" | "json"): Promise<ExportFile> {
    const rows = exportRows(session.code, await this.store.list(session.id));
    const name = `relive-${session.code ?? session.id}-questions`;
    if (format === "json") return { filename: `${name}.json`, contentType: "application/json; charset=utf-8", body: toJson(rows) };
    // The byte-order mark makes spreadsheet programs read the file as UTF-8.
    return { filename: `${name}.csv`, contentType: "text/csv; charset=utf-8; header=present", body: `\uFEFF${toCsv(rows)}` };
  }

  private async round(sessionId: string, questionId: string): Promise<QuestionRound> {
    if (typeof questionId !== "string" || !UUID.test(questionId)) throw noQuestion();
    const round = await this.store.find(sessionId, questionId);
    if (!round) throw noQuestion();
    return round;
  }

  /** Runs `task` after this session's earlier tasks; the queue is dropped once empty. */
  private enqueue<T>(sessionId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(sessionId) ?? Promise.resolve();
    const run = previous.then(task, task);
    const settled = run.catch(() => undefined);
    this.queues.set(sessionId, settled);
    void settled.then(() => {
      if (this.queues.get(sessionId) === settled) this.queues.delete(sessionId);
    });
    return run;
  }
}

function noQuestion(): QuestionError {
  return new QuestionError(QuestionReason.noQuestion, "No such question in this session");
}

function noAnswer(): QuestionError {
  return new QuestionError(QuestionReason.noAnswer, "No such answer in this session");
}
