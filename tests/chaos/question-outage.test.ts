/**
 * PostgreSQL stopped while a question is open: an answer given during the
 * outage is refused with `unavailable` (so the student can send it again)
 * and changes nothing; the answers given before are all there afterwards,
 * and answering works again once the database is back.
 */
import { expect, it } from "vitest";
import { request } from "../../client/replay-client";
import { cleanUpAfterFile, FEED, refusalOf, replayClient, withOwnDatabase } from "./harness";

cleanUpAfterFile();

const device = (n: number) => `outage-device-${n}-${"y".repeat(16)}`;

it("answers during a database outage are refused as unavailable, and none given before is lost", async () => {
  await withOwnDatabase(async (server, database) => {
    const presenter = await replayClient(server.url!);
    const { sessionId, code } = await presenter.create(FEED, "shared");
    const students = [await replayClient(server.url!), await replayClient(server.url!)];
    for (const student of students) await student.join({ code: code! });
    const opened = await request(presenter.socket, "question:open", { sessionId, question: { prompt: "What happens next?", kind: "text" } });
    const questionId = opened.question.question.id;
    await request(students[0]!.socket, "question:answer", { sessionId, questionId, device: device(0), text: "A press conference" });

    await database.stop();
    const during = await refusalOf(request(students[1]!.socket, "question:answer", { sessionId, questionId, device: device(1), text: "Nothing at all" }));
    expect(during).toBe("unavailable");

    await database.start();
    // Once the database is back, the refused answer can be sent again, and nothing before it was lost.
    let again = "unavailable";
    for (let i = 0; i < 50 && again === "unavailable"; i++) {
      again = await refusalOf(request(students[1]!.socket, "question:answer", { sessionId, questionId, device: device(1), text: "Nothing at all" }));
      if (again === "unavailable") await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(again).toBe("ok");
    const current = await request(presenter.socket, "question:current", { sessionId });
    const answers = (current.question as { answers: Array<{ text: string }> }).answers.map((answer) => answer.text).sort();
    expect(answers).toEqual(["A press conference", "Nothing at all"]);
  });
}, 120_000);
