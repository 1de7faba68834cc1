/**
 * "Predict, then reveal" over real sockets, a real server process and a real
 * PostgreSQL: a presenter asks, three followers answer and change their
 * answers, the class sees only how many answered until the reveal, the
 * presenter hides one and exports; a restart in the middle loses nothing.
 */
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReplayClient, request, RequestRefused, type ReplaySocket } from "../../client/replay-client";
import { PROTOCOL_VERSION, type ServerPayload } from "../../domain/protocol";
import { createTestDatabase, delay, runFileCleanups, spawnServer, tempDataDir, type ServerProcess } from "./helpers";

const FEED = "sputnik-helsinki-2018";
const sockets: Socket[] = [];
let server: ServerProcess;
let databaseUrl: string;
let dataDir: string;

function connect(): ReplaySocket {
  const socket = io(server.url!.replace("localhost", "127.0.0.1"), { auth: { protocol: PROTOCOL_VERSION }, transports: ["websocket"], reconnectionDelay: 100 });
  sockets.push(socket);
  return socket as ReplaySocket;
}

async function client(): Promise<ReplayClient> {
  const replay = new ReplayClient(connect());
  await replay.sync.sync();
  return replay;
}

/** Every `question:state` a socket hears, newest last. */
function heard(replay: ReplayClient): Array<ServerPayload<"question:state">> {
  const states: Array<ServerPayload<"question:state">> = [];
  (replay.socket as unknown as Socket).on("question:state", (state: ServerPayload<"question:state">) => states.push(state));
  return states;
}

async function until<T>(read: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error("timed out");
    await delay(20);
  }
}

const device = (n: number) => `device-token-${n}-${"x".repeat(16)}`;

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  dataDir = await tempDataDir();
  server = await spawnServer({ DATABASE_URL: databaseUrl, RELIVE_DATA_DIR: dataDir });
  expect(server.url, server.output()).toBeDefined();
});

afterAll(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  await runFileCleanups();
});

describe("predict, then reveal", () => {
  it("answers, changes, hides, closes, reveals and exports; the class sees nothing before the reveal", async () => {
    const presenter = await client();
    const { sessionId, code } = await presenter.create(FEED, "shared", { sim: Date.UTC(2018, 6, 16, 13, 0) });
    const followers = await Promise.all([client(), client(), client()]);
    for (const follower of followers) await follower.join({ code: code! });
    const states = followers.map(heard);

    const opened = await request(presenter.socket, "question:open", { sessionId, question: { prompt: "Will they hold a joint press conference?", kind: "choice", options: ["Yes", "No"] } });
    const questionId = opened.question.question.id;
    expect(opened.question.question.beforeEntryKey).not.toBeNull();
    const open = await until(() => states[0]!.at(-1));
    expect(open.question).toMatchObject({ status: "open", answeredCount: 0, options: ["Yes", "No"] });
    expect(JSON.stringify(open)).not.toContain("beforeEntryKey");

    await request(followers[0]!.socket, "question:answer", { sessionId, questionId, device: device(0), choice: 0 });
    await request(followers[1]!.socket, "question:answer", { sessionId, questionId, device: device(1), choice: 1 });
    const changed = await request(followers[1]!.socket, "question:answer", { sessionId, questionId, device: device(1), choice: 0 });
    expect(changed.question).toMatchObject({ answeredCount: 2, mine: { choice: 0 } });
    await request(followers[2]!.socket, "question:answer", { sessionId, questionId, device: device(2), choice: 1 });
    // One answer each: a change replaces the old one; the class hears a count, never who said what.
    const counted = await until(() => states[2]!.find((state) => state.question?.answeredCount === 3));
    expect(counted.question).not.toHaveProperty("results");
    expect(counted.question).not.toHaveProperty("correctOption");
    // One connection answers for one device.
    await expect(request(followers[0]!.socket, "question:answer", { sessionId, questionId, device: device(9), choice: 1 })).rejects.toMatchObject({ refusal: { reason: "invalid_answer" } });
    // Only the presenter asks, closes, reveals and exports.
    await expect(request(followers[0]!.socket, "question:reveal", { sessionId, questionId, correctOption: 0 })).rejects.toMatchObject({ refusal: { reason: "not_presenter" } });
    await expect(request(followers[0]!.socket, "question:export", { sessionId, format: "csv" })).rejects.toMatchObject({ refusal: { reason: "not_presenter" } });

    const full = await request(presenter.socket, "question:current", { sessionId });
    const answers = (full.question as { answers: Array<{ id: string; choice: number }> }).answers;
    expect(answers.map((answer) => answer.choice).sort()).toEqual([0, 0, 1]);
    const hidden = answers.find((answer) => answer.choice === 1)!;
    await request(presenter.socket, "question:hide", { sessionId, answerId: hidden.id, hidden: true });
    await request(presenter.socket, "question:close", { sessionId, questionId });
    await expect(request(followers[2]!.socket, "question:answer", { sessionId, questionId, device: device(2), choice: 0 })).rejects.toMatchObject({ refusal: { reason: "question_closed" } });
    const oversized = request(followers[2]!.socket, "question:answer", { sessionId, questionId, device: device(2), text: "x".repeat(5000) });
    await expect(oversized).rejects.toBeInstanceOf(RequestRefused);

    const revealed = await request(presenter.socket, "question:reveal", { sessionId, questionId, correctOption: 0 });
    expect(revealed.question.predictedCorrect).toBe(2);
    const shown = await until(() => states[1]!.find((state) => state.question?.status === "revealed"));
    expect(shown.question).toMatchObject({ status: "revealed", correctOption: 0, results: { kind: "choice", counts: [2, 0], total: 2 } });

    const csv = await request(presenter.socket, "question:export", { sessionId, format: "csv" });
    const lines = csv.body.replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines).toHaveLength(4); // header + three answers, the hidden one marked
    expect(lines[0]).toContain("student_id");
    expect(csv.body).not.toContain(device(0));
    const json = JSON.parse((await request(presenter.socket, "question:export", { sessionId, format: "json" })).body);
    expect(json).toHaveLength(3);
    expect(json.filter((row: { hidden: boolean }) => row.hidden)).toHaveLength(1);
  });

  it("keeps an open question and its answers through a server restart", async () => {
    const presenter = await client();
    const { sessionId, code, secret } = await presenter.create(FEED, "shared");
    const follower = await client();
    await follower.join({ code: code! });
    const opened = await request(presenter.socket, "question:open", { sessionId, question: { prompt: "What will Putin say?", kind: "text" } });
    const questionId = opened.question.question.id;
    await request(follower.socket, "question:answer", { sessionId, questionId, device: device(5), text: "Nothing new" });

    expect((await server.stop()).code).toBe(0);
    server = await spawnServer({ DATABASE_URL: databaseUrl, RELIVE_DATA_DIR: dataDir });
    expect(server.url, server.output()).toBeDefined();

    const again = await client();
    await again.join({ sessionId }, secret);
    const current = await request(again.socket, "question:current", { sessionId });
    expect(current.question).toMatchObject({ question: { id: questionId, status: "open" }, answeredCount: 1 });
    const back = await client();
    await back.join({ code: code! });
    const mine = await request(back.socket, "question:current", { sessionId, device: device(5) });
    expect(mine.question).toMatchObject({ status: "open", mine: { text: "Nothing new" } });
    // The student can still change it after the restart.
    const changed = await request(back.socket, "question:answer", { sessionId, questionId, device: device(5), text: "Something new" });
    expect(changed.question).toMatchObject({ answeredCount: 1, mine: { text: "Something new" } });
  });
});
