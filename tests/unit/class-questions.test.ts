/**
 * The room logic of "Predict, then reveal" (server/classroom/questions.ts)
 * over the in-memory store: a fake clock, no database, every step checked.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { publicView } from "@/domain/classroom/questions";
import { ClassQuestions, QuestionError, studentIdFor, type QuestionSession } from "@/server/classroom/questions";
import { MemoryQuestionStore } from "../support/memory-question-store";
import { questionStoreContract } from "../support/question-store-contract";

const session: QuestionSession = { id: "0b6f3f5e-1111-4111-8111-000000000001", code: "ABCDEF", secretHash: "a".repeat(64) };
const other: QuestionSession = { id: "0b6f3f5e-1111-4111-8111-000000000002", code: "GHJKMN", secretHash: "b".repeat(64) };
const SIM = Date.parse("2018-07-15T15:40:00Z");
const device = (n: number) => `device-token-${String(n).padStart(8, "0")}`;
const choice = { prompt: "Who scores next?", kind: "choice" as const, options: ["France", "Croatia"] };
const text = { prompt: "What happens next?", kind: "text" as const };

let now: number;
let store: MemoryQuestionStore;
let questions: ClassQuestions;

beforeEach(() => {
  now = Date.parse("2026-11-30T10:00:00Z");
  store = new MemoryQuestionStore();
  questions = new ClassQuestions(store, () => now);
});

/** The refusal a promise ends with. */
async function refusal(promise: Promise<unknown>): Promise<{ reason: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(QuestionError);
  const { reason, message } = error as QuestionError;
  expect(message.length).toBeGreaterThan(0);
  return { reason, message };
}

describe("ClassQuestions", () => {
  it("opens a question at the session's moment, with the entry it precedes", async () => {
    const { question, answers } = await questions.open(session, { ...choice, prompt: "  Who  scores next? " }, SIM, "1541-goal");
    expect(question).toMatchObject({
      sessionId: session.id,
      prompt: "Who scores next?",
      status: "open",
      simAt: SIM,
      beforeEntryKey: "1541-goal",
      openedAt: "2026-11-30T10:00:00.000Z",
      correctOption: null,
      closedAt: null,
    });
    expect(answers).toEqual([]);
    expect((await questions.current(session.id))?.question.id).toBe(question.id);
    expect(await questions.current(other.id)).toBeUndefined();
    expect(await questions.current("not-a-session")).toBeUndefined();
  });

  it("refuses a second open question until the first is closed", async () => {
    const first = await questions.open(session, choice, SIM, null);
    expect(await refusal(questions.open(session, text, SIM, null))).toMatchObject({ reason: "question_open" });
    // Another session is not affected.
    await questions.open(other, text, SIM, null);
    await questions.close(session, first.question.id);
    now += 60_000;
    const second = await questions.open(session, text, SIM + 1, null);
    expect((await questions.current(session.id))?.question.id).toBe(second.question.id);
  });

  it("refuses a question that breaks the rules", async () => {
    expect(await refusal(questions.open(session, { prompt: "Who?", kind: "choice", options: ["only one"] }, SIM, null))).toMatchObject({ reason: "invalid_question" });
    expect(await refusal(questions.open(session, text, Number.NaN, null))).toMatchObject({ reason: "invalid_question" });
  });

  it("keeps one answer per device, changeable while open, under a pseudonymous id", async () => {
    const { question } = await questions.open(session, choice, SIM, null);
    const first = await questions.answer(session, question.id, device(1), { choice: 0 });
    now += 1000;
    const changed = await questions.answer(session, question.id, device(1), { choice: 1 });
    await questions.answer(session, question.id, device(2), { choice: 1 });
    expect(changed.answer.id).toBe(first.answer.id);
    expect(changed.studentId).toBe(first.studentId);
    expect(first.studentId).toMatch(/^s-[a-km-np-z2-9]{8}$/);
    expect(first.studentId).not.toContain("device");
    const round = (await questions.current(session.id))!;
    expect(round.answers).toHaveLength(2);
    expect(round.answers.find((a) => a.studentId === first.studentId)).toMatchObject({ choice: 1, answeredAt: "2026-11-30T10:00:01.000Z" });
    expect(publicView(round.question, round.answers, "follower").answeredCount).toBe(2);
  });

  it("derives student ids from the session's secret: stable, distinct per device and per session", () => {
    const id = studentIdFor(session, device(1));
    expect(studentIdFor({ ...session }, device(1))).toBe(id);
    expect(studentIdFor(session, device(2))).not.toBe(id);
    expect(studentIdFor(other, device(1))).not.toBe(id);
    const ids = new Set(Array.from({ length: 500 }, (_, i) => studentIdFor(session, device(i))));
    expect(ids.size).toBe(500);
  });

  it("refuses answers that are forged, out of range, too long or late", async () => {
    const { question } = await questions.open(session, text, SIM, null);
    expect(await refusal(questions.answer(session, question.id, "short", { text: "hi" }))).toMatchObject({ reason: "invalid_answer" });
    expect(await refusal(questions.answer(session, question.id, device(1), { choice: 0 }))).toMatchObject({ reason: "invalid_answer" });
    expect(await refusal(questions.answer(session, question.id, device(1), { text: "x".repeat(141) }))).toMatchObject({ reason: "invalid_answer" });
    expect(await refusal(questions.answer(session, "not-a-uuid", device(1), { text: "hi" }))).toMatchObject({ reason: "no_question" });
    expect(await refusal(questions.answer(session, "0b6f3f5e-1111-4111-8111-0000000000ff", device(1), { text: "hi" }))).toMatchObject({ reason: "no_question" });
    // A question of another session is no question here.
    expect(await refusal(questions.answer(other, question.id, device(1), { text: "hi" }))).toMatchObject({ reason: "no_question" });
    await questions.close(session, question.id);
    expect(await refusal(questions.answer(session, question.id, device(1), { text: "too late" }))).toMatchObject({ reason: "question_closed" });
    expect((await questions.current(session.id))!.answers).toEqual([]);
  });

  it("refuses an answer when the question closes between the check and the write", async () => {
    const { question } = await questions.open(session, text, SIM, null);
    // Another process closes it just before this one writes.
    store.beforeWrite = () => {
      store.beforeWrite = undefined;
      void store.close(session.id, question.id, new Date(now));
    };
    expect(await refusal(questions.answer(session, question.id, device(1), { text: "racing" }))).toMatchObject({ reason: "question_closed" });
    expect((await questions.current(session.id))!.answers).toEqual([]);
  });

  it("closes idempotently", async () => {
    const { question } = await questions.open(session, text, SIM, null);
    now += 5000;
    const closed = await questions.close(session, question.id);
    now += 5000;
    const again = await questions.close(session, question.id);
    expect(closed.question).toMatchObject({ status: "closed", closedAt: "2026-11-30T10:00:05.000Z" });
    expect(again.question).toEqual(closed.question);
    expect(await refusal(questions.close(other, question.id))).toMatchObject({ reason: "no_question" });
  });

  it("hides answers from the class, also after the student changes them, and the presenter can show them again", async () => {
    const { question } = await questions.open(session, text, SIM, null);
    const rude = await questions.answer(session, question.id, device(1), { text: "rude" });
    await questions.answer(session, question.id, device(2), { text: "Mbappé scores" });
    let round = await questions.hide(session, rude.answer.id, true);
    expect(publicView(round.question, round.answers, "projector").answeredCount).toBe(1);
    round = (await questions.answer(session, question.id, device(1), { text: "still rude" })).round;
    expect(round.answers.find((a) => a.id === rude.answer.id)).toMatchObject({ text: "still rude", hidden: true });
    expect(publicView(round.question, round.answers, "presenter")).toMatchObject({ answeredCount: 1, hiddenCount: 1 });
    round = await questions.reveal(session, question.id, null);
    expect(publicView(round.question, round.answers, "follower")).toMatchObject({ results: { groups: [{ text: "Mbappé scores", count: 1 }], total: 1 } });
    round = await questions.hide(session, rude.answer.id, false);
    expect(publicView(round.question, round.answers, "follower")).toMatchObject({ results: { total: 2 } });
    expect(await refusal(questions.hide(other, rude.answer.id, true))).toMatchObject({ reason: "no_answer" });
    expect(await refusal(questions.hide(session, "nope", true))).toMatchObject({ reason: "no_answer" });
  });

  it("reveals (closing an open question), marks the right choice and counts who predicted it", async () => {
    const { question } = await questions.open(session, choice, SIM, "1541-goal");
    await questions.answer(session, question.id, device(1), { choice: 0 });
    await questions.answer(session, question.id, device(2), { choice: 0 });
    await questions.answer(session, question.id, device(3), { choice: 1 });
    expect(await refusal(questions.reveal(session, question.id, 2))).toMatchObject({ reason: "invalid_question" });
    expect((await questions.current(session.id))!.question.status).toBe("open"); // a refused reveal changes nothing
    now += 10_000;
    const round = await questions.reveal(session, question.id, 0);
    expect(round.question).toMatchObject({ status: "revealed", correctOption: 0, closedAt: "2026-11-30T10:00:10.000Z", revealedAt: "2026-11-30T10:00:10.000Z" });
    expect(publicView(round.question, round.answers, "presenter").predictedCorrect).toBe(2);
    expect(publicView(round.question, round.answers, "follower")).toMatchObject({ correctOption: 0, predictedCorrect: 2, results: { counts: [2, 1] } });
    expect(await refusal(questions.answer(session, question.id, device(4), { choice: 1 }))).toMatchObject({ reason: "question_closed" });
    // A second reveal may correct the mark; the reveal time stays.
    now += 10_000;
    const corrected = await questions.reveal(session, question.id, 1);
    expect(corrected.question).toMatchObject({ correctOption: 1, revealedAt: "2026-11-30T10:00:10.000Z" });
    // Free text has no right choice.
    await questions.open(session, text, SIM, null);
    const current = (await questions.current(session.id))!;
    expect(await refusal(questions.reveal(session, current.question.id, 0))).toMatchObject({ reason: "invalid_question" });
  });

  it("answers the changes of one session in the order they were made", async () => {
    const { question } = await questions.open(session, choice, SIM, null);
    const counts = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        questions.answer(session, question.id, device(i), { choice: i % 2 }).then(({ round }) => publicView(round.question, round.answers, "follower").answeredCount),
      ),
    );
    expect(counts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("exports every question and answer as CSV (with a byte-order mark) and JSON", async () => {
    const { question } = await questions.open(session, choice, SIM, "1541-goal");
    const { studentId } = await questions.answer(session, question.id, device(1), { choice: 1 });
    await questions.reveal(session, question.id, 1);
    now += 60_000;
    await questions.open(session, text, SIM + 60_000, null);
    const csv = await questions.export(session, "csv");
    expect(csv).toMatchObject({ filename: "relive-ABCDEF-questions.csv", contentType: expect.stringMatching(/^text\/csv; charset=utf-8/) });
    expect(csv.body.startsWith("\uFEFFsession_code,question_id,")).toBe(true);
    expect(csv.body.split("\r\n")).toHaveLength(4); // header, one answer, one unanswered question, and the final line end
    expect(csv.body).toContain(`ABCDEF,${question.id},Who scores next?,choice,France | Croatia,2018-07-15T15:40:00.000Z,2026-11-30T10:00:00.000Z,1541-goal,Croatia,1,`);
    expect(csv.body).not.toContain(device(1));
    const json = await questions.export(session, "json");
    expect(json.filename).toBe("relive-ABCDEF-questions.json");
    expect(JSON.parse(json.body)).toMatchObject([{ studentId, correct: true }, { kind: "text", studentId: null }]);
    expect(JSON.parse((await questions.export(other, "json")).body)).toEqual([]);
  });

  it("forgets a session's questions with the session", async () => {
    const { question } = await questions.open(session, text, SIM, null);
    await questions.answer(session, question.id, device(1), { text: "a" });
    store.deleteSession(session.id);
    expect(await questions.current(session.id)).toBeUndefined();
    expect(await refusal(questions.answer(session, question.id, device(1), { text: "b" }))).toMatchObject({ reason: "no_question" });
  });
});

questionStoreContract("MemoryQuestionStore", async () => ({
  store: new MemoryQuestionStore(),
  sessionId: session.id,
  otherSessionId: other.id,
}));
