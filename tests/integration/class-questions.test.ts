/**
 * Class questions in a real PostgreSQL (server/classroom/question-store.ts):
 * the store contract, answers racing a close, one open question per session,
 * deletion with the session, and everything still there for a new client
 * after a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initialClock } from "../../domain/replay/clock";
import { publicView } from "../../domain/classroom/questions";
import { ClassQuestions } from "../../server/classroom/questions";
import { QuestionStore, type NewQuestion } from "../../server/classroom/question-store";
import { createPrismaClient, type Db } from "../../server/db/database";
import { newSecret, SessionStore, type StoredSession } from "../../server/replay/session-store";
import { questionStoreContract } from "../support/question-store-contract";
import { createMigratedDatabase, delay, runFileCleanups, withClient } from "./helpers";

let url: string;
let db: Db;
let feedId: string;
const clients: Db[] = [];

beforeAll(async () => {
  url = await createMigratedDatabase();
  db = client();
  const start = new Date("2018-07-15T15:00:00Z");
  const feed = await db.feed.create({
    data: {
      slug: "questions-test",
      title: "A test feed",
      outlet: "Test Outlet",
      description: "For questions.",
      publishedZone: "UTC",
      eventZone: "Europe/Helsinki",
      eventDate: "2018-07-15",
      coverageStart: start,
      coverageEnd: new Date(start.getTime() + 3 * 3600_000),
    },
  });
  feedId = feed.id;
});

afterAll(async () => {
  for (const each of clients) await each.$disconnect();
  await runFileCleanups();
});

function client(): Db {
  const created = createPrismaClient(url);
  clients.push(created);
  return created;
}

async function newSession(): Promise<StoredSession> {
  const now = Date.parse("2026-11-30T10:00:00Z");
  const clock = initialClock({ start: Date.parse("2018-07-15T15:00:00Z"), end: Date.parse("2018-07-15T18:00:00Z"), entryTimes: [] }, now);
  return new SessionStore(db).create({
    feedId,
    feedVersion: "v1",
    kind: "shared",
    secret: newSecret(),
    clock: { ...clock, revision: 0 },
    settings: { pauseOn: "off", markedEntryKeys: [], blanked: false },
    pinnedCards: [],
    now: new Date(now),
  });
}

const openAt = (sessionId: string, overrides: Partial<NewQuestion> = {}): NewQuestion => ({
  sessionId,
  prompt: "Who scores next?",
  kind: "choice",
  options: ["France", "Croatia"],
  simAt: Date.parse("2018-07-15T15:40:00Z"),
  beforeEntryKey: null,
  openedAt: new Date(),
  ...overrides,
});

async function openQuestion(store: QuestionStore, sessionId: string) {
  const question = await store.create(openAt(sessionId));
  if (question === "already_open") throw new Error("a question is already open");
  return question;
}

/** Whether a promise is still pending after `ms`. */
async function stillPending(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const marker = Symbol("pending");
  return (await Promise.race([promise.then(() => undefined), delay(ms).then(() => marker)])) === marker;
}

/** Runs `work` inside a transaction that stays open until `release` is called. */
function heldTransaction<T>(work: (store: QuestionStore) => Promise<T>) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let done!: (value: T) => void;
  const workDone = new Promise<T>((resolve) => (done = resolve));
  const committed = db.$transaction(
    async (tx) => {
      done(await work(new QuestionStore(tx as unknown as Db)));
      await released;
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
  return { workDone, release, committed };
}

questionStoreContract("QuestionStore (PostgreSQL)", async () => {
  const [a, b] = [await newSession(), await newSession()];
  return { store: new QuestionStore(db), sessionId: a.id, otherSessionId: b.id };
});

describe("QuestionStore: answers racing a close", () => {
  it("a close waits for an answer already being written, and then the answer is in", async () => {
    const session = await newSession();
    const store = new QuestionStore(db);
    const question = await openQuestion(store, session.id);
    const answering = heldTransaction((tx) => tx.upsertAnswer(session.id, question.id, { studentId: "s-inflight", choice: 1, text: null, answeredAt: new Date() }));
    expect(await answering.workDone).toMatchObject({ studentId: "s-inflight" });

    const closing = store.close(session.id, question.id, new Date());
    expect(await stillPending(closing, 500)).toBe(true);
    answering.release();
    await answering.committed;
    expect(await closing).toMatchObject({ status: "closed" });
    expect((await store.find(session.id, question.id))?.answers.map((a) => a.studentId)).toEqual(["s-inflight"]);
  });

  it("an answer waits for a close being written, and then is refused", async () => {
    const session = await newSession();
    const store = new QuestionStore(db);
    const question = await openQuestion(store, session.id);
    const closing = heldTransaction((tx) => tx.close(session.id, question.id, new Date()));
    expect(await closing.workDone).toMatchObject({ status: "closed" });

    const answering = store.upsertAnswer(session.id, question.id, { studentId: "s-toolate", choice: 0, text: null, answeredAt: new Date() });
    expect(await stillPending(answering, 500)).toBe(true);
    closing.release();
    await closing.committed;
    expect(await answering).toBeUndefined();
    expect((await store.find(session.id, question.id))?.answers).toEqual([]);
  });

  it("under a storm of answers and changes with a close among them, exactly the accepted answers are kept", async () => {
    const session = await newSession();
    // Two clients, two pools: the close really runs beside the answers.
    const [answers, closer] = [new QuestionStore(client()), new QuestionStore(client())];
    const question = await openQuestion(answers, session.id);
    const students = Array.from({ length: 40 }, (_, i) => `s-st${String(i).padStart(6, "0")}`);
    const accepted = new Map<string, number>();
    let refused = 0;
    let startClose!: () => void;
    const closing = new Promise<void>((resolve) => (startClose = resolve)).then(() => closer.close(session.id, question.id, new Date()));
    let writes = 0;
    const storm = students.map(async (studentId, i) => {
      // Each student answers, then changes the answer; students race each other and the close.
      for (const choice of [i % 2, (i + 1) % 2]) {
        const written = await answers.upsertAnswer(session.id, question.id, { studentId, choice, text: null, answeredAt: new Date() });
        if (written) accepted.set(studentId, choice);
        else refused++;
        // The close starts while most of the storm is still to come.
        if (++writes === 20) startClose();
      }
      // However the race fell on a busy machine, some answers come after the close has been written.
      await closing;
      const late = await answers.upsertAnswer(session.id, question.id, { studentId, choice: 1, text: null, answeredAt: new Date() });
      if (late) accepted.set(studentId, 1);
      else refused++;
    });
    await Promise.all([...storm, closing]);
    expect(await closing).toMatchObject({ status: "closed" });
    // Some writes got in (the first 20 came before the close began), some were refused (at least the late ones).
    expect(accepted.size).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    const kept = (await answers.find(session.id, question.id))!.answers;
    expect(new Map(kept.map((a) => [a.studentId, a.choice]))).toEqual(accepted);
    expect(new Set(kept.map((a) => a.studentId)).size).toBe(kept.length);
    // After the close, nothing more gets in.
    expect(await answers.upsertAnswer(session.id, question.id, { studentId: students[0]!, choice: 0, text: null, answeredAt: new Date() })).toBeUndefined();
  });

  it("lets exactly one of several simultaneous opens through", async () => {
    const session = await newSession();
    const stores = [new QuestionStore(db), new QuestionStore(client()), new QuestionStore(client())];
    const results = await Promise.all(stores.flatMap((store) => [store.create(openAt(session.id)), store.create(openAt(session.id))]));
    expect(results.filter((result) => result !== "already_open")).toHaveLength(1);
    expect(await new QuestionStore(db).list(session.id)).toHaveLength(1);
  });
});

describe("QuestionStore: with the session", () => {
  it("deletes a session's questions and answers with it, once it expired", async () => {
    const [doomed, kept] = [await newSession(), await newSession()];
    const store = new QuestionStore(db);
    for (const session of [doomed, kept]) {
      const question = await openQuestion(store, session.id);
      await store.upsertAnswer(session.id, question.id, { studentId: "s-aaaaaaaa", choice: 0, text: null, answeredAt: new Date() });
    }
    // The expiry sweep (server/replay/index.ts), at a fixed instant: the other sessions here expire on 14 December.
    const sweptAt = new Date("2026-12-01T00:00:00Z");
    await db.replaySession.update({ where: { id: doomed.id }, data: { expiresAt: new Date(sweptAt.getTime() - 1) } });
    expect(await new SessionStore(db).deleteExpired(sweptAt)).toBe(1);
    const count = (sessionId: string) =>
      withClient(url, async (pg) => {
        const questions = await pg.query(`SELECT count(*)::int AS n FROM session_question WHERE "sessionId" = $1`, [sessionId]);
        const answers = await pg.query(`SELECT count(*)::int AS n FROM question_answer a JOIN session_question q ON q.id = a."questionId" WHERE q."sessionId" = $1`, [sessionId]);
        return [questions.rows[0].n, answers.rows[0].n];
      });
    expect(await count(doomed.id)).toEqual([0, 0]);
    expect(await count(kept.id)).toEqual([1, 1]);
    expect(await withClient(url, async (pg) => (await pg.query(`SELECT count(*)::int AS n FROM question_answer WHERE "questionId" NOT IN (SELECT id FROM session_question)`)).rows[0].n)).toBe(0);
  });

  it("keeps a question, its answers and each device's student id through a restart (a new client)", async () => {
    const session = await newSession();
    const before = createPrismaClient(url);
    let now = Date.parse("2026-11-30T10:00:00Z");
    const first = new ClassQuestions(new QuestionStore(before), () => now);
    const { question } = await first.open(session, { prompt: "What happens next?", kind: "text" }, Date.parse("2018-07-15T15:40:00Z"), "1541-goal");
    const mine = await first.answer(session, question.id, "device-token-000000001", { text: "Mbappé scores" });
    await first.answer(session, question.id, "device-token-000000002", { text: "mbappé  scores" });
    const roundBefore = (await first.current(session.id))!;
    await before.$disconnect();

    // A new process: a new client, the session read back from the database.
    const after = client();
    const reloaded = (await new SessionStore(after).findById(session.id))!;
    const second = new ClassQuestions(new QuestionStore(after), () => now);
    expect(await second.current(reloaded.id)).toEqual(roundBefore);
    now += 5000;
    const changed = await second.answer(reloaded, question.id, "device-token-000000001", { text: "A penalty" });
    expect(changed.studentId).toBe(mine.studentId);
    expect(changed.answer.id).toBe(mine.answer.id);
    const revealed = await second.reveal(reloaded, question.id, null);
    expect(publicView(revealed.question, revealed.answers, "follower")).toMatchObject({
      status: "revealed",
      answeredCount: 2,
      results: { kind: "text", groups: [{ text: "mbappé scores", count: 1 }, { text: "A penalty", count: 1 }] },
    });
    const csv = await second.export(reloaded, "csv");
    expect(csv.body).toContain(`${reloaded.code},${question.id},What happens next?,text,,2018-07-15T15:40:00.000Z,`);
    expect(csv.body).not.toContain("device-token");
  });
});
