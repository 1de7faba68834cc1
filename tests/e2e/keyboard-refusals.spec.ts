/** A key's command that the server refuses says why, as a button's does (they share one path). */
import { expect, test } from "@playwright/test";

test("keyboard commands that the server refuses show the refusal in the notice", async ({ page }) => {
  // On a class's console: a shared session never predicts, so a refusal is only a refusal.
  await page.goto("/replay/sputnik-helsinki-2018?t=18:11");
  await expect(page.getByTestId("sim-clock")).toHaveText("18:11:00");
  await page.getByRole("button", { name: "Start a class session" }).click();
  await page.waitForURL(/\/control$/);
  await expect(page.getByTestId("sim-clock")).toHaveText("18:11:00");
  await expect(page.getByTestId("notice")).toHaveCount(0);
  // 100 presses in one task, far past the socket's burst allowance of 40: the rest are refused as too many.
  await page.evaluate(() => {
    for (let i = 0; i < 100; i++) document.body.dispatchEvent(new KeyboardEvent("keydown", { key: i % 2 === 0 ? "l" : "j", bubbles: true }));
  });
  await expect(page.getByTestId("notice")).toContainText("Too many messages");
});
