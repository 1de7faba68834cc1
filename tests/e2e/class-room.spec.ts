/**
 * A class in a real room: the join link and QR code that phones can open,
 * and "Predict, then reveal" with a presenter, a projector and three
 * followers (one a phone). The tests read the machine's network address to
 * check the link, but every connection they make stays on loopback.
 */
import fs from "node:fs/promises";
import os from "node:os";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { networkAddress } from "../../server/join-address";
import { readQrCodeOf } from "../support/qr-reader";
import { classPages } from "./class-pages";

const port = Number(process.env.RELIVE_E2E_PORT ?? 3197);

// Five screens at once on a two-core machine.
test.describe.configure({ timeout: 120_000 });

const { open, startClass } = classPages();

async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

test("the console and projector opened through localhost give phones a link, and a QR code, to the machine's network address", async ({ browser }) => {
  const { console, code } = await startClass(browser, "18:00");
  const dashed = `${code.slice(0, 3)}-${code.slice(3)}`;
  const address = networkAddress(os.networkInterfaces());
  test.skip(address === undefined, "this machine has no network address: the console says so instead (unit-tested)");
  const expected = `http://${address}:${port}/s/${dashed}`;

  await expect(console.getByTestId("join-url")).toHaveText(expected.replace("http://", ""));
  expect(await readQrCodeOf(console.getByTestId("join-qr"))).toBe(expected);

  const projector = await open(browser, `/s/${code}/present`, { width: 1920, height: 1080 });
  const join = projector.getByTestId("projector-join");
  await expect(join).toContainText(expected.replace("http://", ""));
  expect(await readQrCodeOf(join)).toBe(expected);
  // The link names no loopback address.
  expect(expected).not.toMatch(/localhost|127\.0\.0\.1|\[::1\]/);
});

test("predict, then reveal: answer, change, close, hide, reveal, resume and export", async ({ browser }) => {
  const { console, code } = await startClass(browser, "18:00");
  const projector = await open(browser, `/s/${code}/present`, { width: 1920, height: 1080 });
  const students = [await open(browser, `/s/${code}`), await open(browser, `/s/${code}`), await open(browser, `/s/${code}`, { width: 390, height: 844 }, true)];
  for (const page of [projector, ...students]) await expect(page.getByTestId("sim-clock")).toHaveText("18:00:00");

  const panel = console.getByTestId("question-panel");
  await panel.getByRole("button", { name: "Another question…" }).click();
  await panel.getByLabel("Question").fill("Will they hold a joint press conference?");
  await panel.getByLabel("Choice 1").fill("Yes, together");
  await panel.getByLabel("Choice 2").fill("No");
  await panel.getByRole("button", { name: "Ask", exact: true }).click();

  for (const page of students) await expect(page.getByTestId("question-card")).toContainText("Will they hold a joint press conference?");
  await expect(projector.getByTestId("answered-count")).toHaveText("0 of 3 answered");
  expect(await seriousViolations(students[2]!)).toEqual([]);

  await students[0]!.getByRole("button", { name: "Yes, together", exact: true }).click();
  await students[1]!.getByRole("button", { name: "No", exact: true }).click();
  await students[2]!.getByRole("button", { name: "No", exact: true }).click();
  // One answer each, changeable while open.
  await students[1]!.getByRole("button", { name: "Yes, together", exact: true }).click();
  await expect(students[1]!.getByTestId("my-answer")).toContainText("Yes, together");
  await expect(projector.getByTestId("answered-count")).toHaveText("3 of 3 answered");
  await expect(console.getByTestId("console-answered")).toContainText("3 of 3 answered");
  // The projector shows a count: no names, no answers.
  await expect(projector.getByTestId("projected-question")).not.toContainText("s-");
  expect(await seriousViolations(projector)).toEqual([]);
  expect(await seriousViolations(console)).toEqual([]);

  // The teacher hides one answer, then closes.
  const noAnswer = console.getByTestId("console-answer").filter({ hasText: "No" });
  await noAnswer.getByRole("button", { name: "Hide" }).click();
  await expect(console.getByTestId("console-answered")).toContainText("1 hidden");
  await panel.getByRole("button", { name: "Close answers" }).click();
  for (const page of students) await expect(page.getByTestId("question-card")).toContainText("Answers are closed");
  await expect(students[0]!.getByRole("button", { name: "No", exact: true })).toHaveCount(0);

  // Reveal, marking what really happened.
  await panel.getByLabel("What really happened").selectOption({ label: "Yes, together" });
  await panel.getByRole("button", { name: "Reveal to the class" }).click();
  for (const page of [projector, ...students]) {
    const bars = page.getByTestId("result-bar");
    await expect(bars).toHaveCount(2);
    await expect(bars.first()).toContainText("Yes, together");
    await expect(bars.first()).toContainText("what happened");
    await expect(bars.first()).toContainText("2");
    await expect(bars.nth(1)).toContainText("0"); // the hidden answer counts nowhere
  }
  await expect(console.getByTestId("predicted-correct")).toHaveText("2 of 2 predicted it");
  expect(await seriousViolations(students[0]!)).toEqual([]);

  // The teacher exports, before moving on.
  const [download] = await Promise.all([console.waitForEvent("download"), panel.getByRole("button", { name: "CSV" }).click()]);
  const csv = await fs.readFile((await download.path())!, "utf8");
  const rows = csv.replace(/^\uFEFF/, "").trim().split("\r\n");
  expect(rows).toHaveLength(4);
  expect(rows.slice(1).every((row) => row.includes("Will they hold a joint press conference?"))).toBe(true);
  expect(rows.slice(1).filter((row) => /,true,/.test(row))).not.toHaveLength(0);

  // The class resumes and sees what really happened: the question goes away.
  await console.keyboard.press("k");
  for (const page of [projector, ...students]) await expect(page.getByTestId("question-card").or(page.getByTestId("projected-question"))).toHaveCount(0);
});

test("'What happens next?' is one key on the console, and a free-text answer is capped at 140 characters", async ({ browser }) => {
  const { console, code } = await startClass(browser, "18:00");
  const student = await open(browser, `/s/${code}`, { width: 390, height: 844 }, true);
  await expect(student.getByTestId("sim-clock")).toHaveText("18:00:00");
  await console.locator("body").click({ position: { x: 5, y: 5 } });
  await console.keyboard.press("q");
  const card = student.getByTestId("question-card");
  await expect(card).toContainText("What happens next?");
  const input = card.getByLabel("Your answer");
  await input.fill("x".repeat(200));
  await expect(input).toHaveValue("x".repeat(140));
  await input.fill("They meet alone for two hours");
  await card.getByRole("button", { name: "Send" }).click();
  await expect(student.getByTestId("my-answer")).toContainText("They meet alone for two hours");
  await expect(console.getByTestId("console-answer")).toHaveText(/They meet alone for two hours/);
});
