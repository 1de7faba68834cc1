/**
 * What every QuestionPersistence must do, as a suite run against each one:
 * the in-memory store in the unit tests, PostgreSQL in the integration tests.
 * The room-logic tests rely on the memory store behaving as the real one.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { NewAnswer, NewQuestion, QuestionPersistence } from "@/server/classroom/question-store";

export interface ContractFixture {
  store: QuestionPersistence;
  /** Two sessions that exist in the store's world. */
  sessionId: string;
  otherSessionId: string;
}

const T0 = Date.parse("2026-11-30T10:00:00Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000);

export function questionStoreContract(name: string, setup: () => Promise<ContractFixture>): void {
  describe(`${name}: the question store contract`, () => {
    let store: QuestionPersistence;
    let sessionId: string;
    let otherSessionId: string;

    beforeEach(async () => {
      ({ store, sessionId, otherSessionId } = await setup());
    });

    const newQuestion = (overrides: Partial<NewQuestion> = {}): NewQuestion => ({
      sessionId,
      prompt: "Who scores next?",
      kind: "choice",
      options: ["France", "Croatia"],
      simAt: 1531669200000.5,
      beforeEntryKey: "1541-goal",
      openedAt: at(0),
      ...overrides,
    });
    const newAnswer = (studentId: string, overrides: Partial<NewAnswer> = {}): NewAnswer => ({ studentId, choice: 0, text: null, answeredAt: at(1), ...overrides });

    it("creates an open question and reads it back as it was given", async () => {
      const created = await store.create(newQuestion());
      expect(created).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        sessionId,
        prompt: "Who scores next?",
        kind: "choice",
        options: ["France", "Croatia"],
        status: "open",
        correctOption: null,
        openedAt: "2026-11-30T10:00:00.000Z",
        simAt: 1531669200000.5,
        beforeEntryKey: "1541-goal",
        closedAt: null,
        revealedAt: null,
      });
      if (created === "already_open") throw new Error("unreachable");
      expect(await store.find(sessionId, created.id)).toEqual({ question: created, answers: [] });
      expect(await store.current(sessionId)).toEqual({ question: created, answers: [] });
      expect(await store.find(otherSessionId, created.id)).toBeUndefined();
    });

    it("has at most one open question per session", async () => {
      const first = await store.create(newQuestion());
      expect(await store.create(newQuestion({ openedAt: at(5) }))).toBe("already_open");
      expect(await store.create(newQuestion({ sessionId: otherSessionId }))).not.toBe("already_open");
      if (first === "already_open") throw new Error("unreachable");
      await store.close(sessionId, first.id, at(10));
      const second = await store.create(newQuestion({ openedAt: at(20), kind: "text", options: [] }));
      expect(second).toMatchObject({ status: "open", kind: "text", options: [] });
    });

    it("upserts one answer per student while open, keeping its id and hidden flag", async () => {
      const question = await store.create(newQuestion());
      if (question === "already_open") throw new Error("unreachable");
      const first = await store.upsertAnswer(sessionId, question.id, newAnswer("s-aaaaaaaa"));
      expect(first).toEqual({ id: expect.any(String), questionId: question.id, studentId: "s-aaaaaaaa", choice: 0, text: null, answeredAt: at(1).toISOString(), hidden: false });
      expect(await store.setHidden(sessionId, first!.id, true)).toMatchObject({ id: first!.id, hidden: true });
      const changed = await store.upsertAnswer(sessionId, question.id, newAnswer("s-aaaaaaaa", { choice: 1, answeredAt: at(2) }));
      expect(changed).toEqual({ ...first, choice: 1, answeredAt: at(2).toISOString(), hidden: true });
      await store.upsertAnswer(sessionId, question.id, newAnswer("s-bbbbbbbb", { answeredAt: at(3) }));
      const round = await store.find(sessionId, question.id);
      expect(round?.answers.map((a) => [a.studentId, a.choice, a.hidden])).toEqual([
        ["s-aaaaaaaa", 1, true],
        ["s-bbbbbbbb", 0, false],
      ]);
      // Scoped to the session.
      expect(await store.upsertAnswer(otherSessionId, question.id, newAnswer("s-cccccccc"))).toBeUndefined();
      expect(await store.setHidden(otherSessionId, first!.id, false)).toBeUndefined();
    });

    it("refuses answers once closed or revealed, and closes idempotently", async () => {
      const question = await store.create(newQuestion({ kind: "text", options: [] }));
      if (question === "already_open") throw new Error("unreachable");
      await store.upsertAnswer(sessionId, question.id, newAnswer("s-aaaaaaaa", { choice: null, text: "Mbappé" }));
      const closed = await store.close(sessionId, question.id, at(10));
      expect(closed).toMatchObject({ status: "closed", closedAt: at(10).toISOString() });
      expect(await store.close(sessionId, question.id, at(20))).toEqual(closed);
      expect(await store.upsertAnswer(sessionId, question.id, newAnswer("s-aaaaaaaa", { choice: null, text: "changed" }))).toBeUndefined();
      expect(await store.upsertAnswer(sessionId, question.id, newAnswer("s-bbbbbbbb", { choice: null, text: "late" }))).toBeUndefined();
      expect((await store.find(sessionId, question.id))?.answers.map((a) => a.text)).toEqual(["Mbappé"]);
      expect(await store.close(otherSessionId, question.id, at(30))).toBeUndefined();
    });

    it("reveals with the right choice, keeping the first close and reveal times", async () => {
      const question = await store.create(newQuestion());
      if (question === "already_open") throw new Error("unreachable");
      const revealed = await store.reveal(sessionId, question.id, 1, at(10));
      expect(revealed).toMatchObject({ status: "revealed", correctOption: 1, closedAt: at(10).toISOString(), revealedAt: at(10).toISOString() });
      expect(await store.reveal(sessionId, question.id, 0, at(20))).toMatchObject({ correctOption: 0, closedAt: at(10).toISOString(), revealedAt: at(10).toISOString() });
      expect(await store.upsertAnswer(sessionId, question.id, newAnswer("s-aaaaaaaa"))).toBeUndefined();
      expect(await store.reveal(otherSessionId, question.id, 0, at(30))).toBeUndefined();
      // Revealing freed the session for a new question.
      expect(await store.create(newQuestion({ openedAt: at(40) }))).not.toBe("already_open");
    });

    it("lists a session's questions in the order they were opened; current is the open one, else the latest", async () => {
      const a = await store.create(newQuestion({ openedAt: at(0) }));
      if (a === "already_open") throw new Error("unreachable");
      await store.close(sessionId, a.id, at(5));
      const b = await store.create(newQuestion({ openedAt: at(10) }));
      if (b === "already_open") throw new Error("unreachable");
      expect((await store.current(sessionId))?.question.id).toBe(b.id);
      await store.close(sessionId, b.id, at(15));
      expect((await store.current(sessionId))?.question.id).toBe(b.id);
      expect((await store.list(sessionId)).map((round) => round.question.id)).toEqual([a.id, b.id]);
      expect(await store.list(otherSessionId)).toEqual([]);
      expect(await store.current(otherSessionId)).toBeUndefined();
    });
  });
}
