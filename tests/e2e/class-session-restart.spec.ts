/**
 * The server dies mid-lesson (SIGKILL) and comes back: every screen of the
 * class reconnects by itself and shows the session where it should be.
 * Runs its own server process on a database of its own in the main test
 * server's PostgreSQL: sharing the main server's database would make the two
 * servers peers (the socket.io adapter), and the main one would wait for this
 * one's answers for a while after it is killed.
 */
import { expect, test } from "@playwright/test";
import { classPages } from "./class-pages";
import { base, ownServer } from "./own-server";

const { open, startClass } = classPages(base);

test("the server is killed mid-session and restarted: every screen recovers by itself", async ({ browser }) => {
  test.setTimeout(120_000);
  const server = await ownServer();
  try {
    const { console, code } = await startClass(browser, "18:00");
    const projector = await open(browser, `/s/${code}/present`, { width: 1920, height: 1080 });
    const follower = await open(browser, `/s/${code}`);
    const screens = [console, projector, follower];
    await console.getByText(/More cards/).click();
    await console.getByRole("button", { name: /^Pin “Syria/ }).click();
    await console.getByRole("button", { name: "10×" }).click();
    await console.getByRole("button", { name: "Play" }).click();
    for (const page of screens) await expect(page.getByTestId("play-state")).toHaveText("Playing · 10×");

    await server.killAndRestart(screens, async () => {
      // The clocks keep running on every screen while the server is away.
      const during = await follower.getByTestId("sim-clock").textContent();
      await expect(follower.getByTestId("sim-clock")).not.toHaveText(during!);
    });
    // Still playing, pins kept; the presenter can still control it.
    for (const page of screens) {
      await expect(page.getByTestId("play-state")).toHaveText("Playing · 10×");
      await expect(page.locator('aside[aria-label="Context cards"] article[data-card="syria"]')).toBeVisible();
    }
    await console.getByRole("button", { name: "Pause" }).click();
    await expect(console.getByTestId("play-state")).toHaveText("Paused · 10×");
    const clock = (await console.getByTestId("sim-clock").textContent())!;
    expect(clock > "18:00:00").toBe(true);
    const count = await console.locator(".entry").count();
    for (const page of [projector, follower]) {
      await expect(page.getByTestId("play-state")).toHaveText("Paused · 10×");
      await expect(page.getByTestId("sim-clock")).toHaveText(clock);
      await expect(page.locator(".entry")).toHaveCount(count);
    }
  } finally {
    await server.close();
  }
});

test("a question open when the server is killed keeps every answer, and the class answers on after the restart", async ({ browser }) => {
  test.setTimeout(150_000);
  const server = await ownServer();
  try {
    const { console, code } = await startClass(browser, "18:00");
    const projector = await open(browser, `/s/${code}/present`, { width: 1920, height: 1080 });
    const student = await open(browser, `/s/${code}`, { width: 390, height: 844 });
    await expect(student.getByTestId("sim-clock")).toHaveText("18:00:00");
    await console.getByTestId("question-panel").getByRole("button", { name: /What happens next/ }).click();
    const card = student.getByTestId("question-card");
    await card.getByLabel("Your answer").fill("They talk alone first");
    await card.getByRole("button", { name: "Send" }).click();
    await expect(student.getByTestId("my-answer")).toContainText("They talk alone first");
    await expect(projector.getByTestId("answered-count")).toHaveText("1 of 1 answered");

    await server.killAndRestart([console, projector, student]);

    // Nothing lost: the question, the answer, the count, on every screen.
    await expect(student.getByTestId("my-answer")).toContainText("They talk alone first");
    await expect(console.getByTestId("console-answer")).toHaveText(/They talk alone first/);
    await expect(projector.getByTestId("answered-count")).toHaveText("1 of 1 answered");
    // The student changes it, the teacher closes and reveals.
    await card.getByLabel("Change your answer").fill("A joint press conference");
    await card.getByRole("button", { name: "Change" }).click();
    await expect(student.getByTestId("my-answer")).toContainText("A joint press conference");
    await console.getByTestId("question-panel").getByRole("button", { name: "Close answers" }).click();
    await console.getByTestId("question-panel").getByRole("button", { name: "Reveal to the class" }).click();
    await expect(projector.getByTestId("result-group")).toHaveText(/A joint press conference\s*×1/);
  } finally {
    await server.close();
  }
});
