/**
 * PostgreSQL stopped while a question is open: an answer given during the
 * outage is refused with `unavailable` (so the student can send it again)
 * and changes nothing; the answers given before are all there afterwards,
 * and answering works again once the database is back.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { request, RequestRefused } from "../../client/replay-client";
import { EmbeddedPostgres } from "../../server/db/embedded-postgres";
import { cleanUpAfterFile, FEED, replayClient, spawnServer, tempDataDir, unusedPort } from "./harness";

cleanUpAfterFile();

const device = (n: number) => `outage-device-${n}-${"y".repeat(16)}`;

async function reason(answer: Promise<unknown>): Promise<string> {
  try {
    await answer;
    return "ok";
  } catch (error) {
    if (error instanceof RequestRefused) return error.refusal.reason;
    throw error;
  }
}

it("answers during a database outage are refused as unavailable, and none given before is lost", async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "relive-chaos-question-"));
  await fs.chmod(dir, 0o755);
  const database = new EmbeddedPostgres({ dataDir: dir, port: await unusedPort() });
  try {
    const databaseUrl = await database.start();
    const server = await spawnServer({ DATABASE_URL: databaseUrl, RELIVE_DATA_DIR: await tempDataDir() });
    expect(server.url, server.output()).toBeDefined();
    const presenter = await replayClient(server.url!);
    const { sessionId, code } = await presenter.create(FEED, "shared");
    const students = [await replayClient(server.url!), await replayClient(server.url!)];
    for (const student of students) await student.join({ code: code! });
    const opened = await request(presenter.socket, "question:open", { sessionId, question: { prompt: "What happens next?", kind: "text" } });
    const questionId = opened.question.question.id;
    await request(students[0]!.socket, "question:answer", { sessionId, questionId, device: device(0), text: "A press conference" });

    await database.stop();
    const during = await reason(request(students[1]!.socket, "question:answer", { sessionId, questionId, device: device(1), text: "Nothing at all" }));
    expect(during).toBe("unavailable");

    await database.start();
    // Once the database is back, the refused answer can be sent again, and nothing before it was lost.
    let again = "unavailable";
    for (let i = 0; i < 50 && again === "unavailable"; i++) {
      again = await reason(request(students[1]!.socket, "question:answer", { sessionId, questionId, device: device(1), text: "Nothing at all" }));
      if (again === "unavailable") await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(again).toBe("ok");
    const current = await request(presenter.socket, "question:current", { sessionId });
    const answers = (current.question as { answers: Array<{ text: string }> }).answers.map((answer) => answer.text).sort();
    expect(answers).toEqual(["A press conference", "Nothing at all"]);
    expect((await server.stop("SIGTERM")).code).toBe(0);
  } finally {
    await database.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}, 120_000);
