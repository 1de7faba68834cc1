import { expect, test } from "@playwright/test";

test("the library links to the seeded feed's replay", async ({ page }) => {
  await page.goto("/");
  const card = page.getByRole("link", { name: /Putin, Trump Hold First Ever One-on-One Summit in Helsinki/ });
  await expect(card).toContainText("Sputnik");
  await expect(card).toContainText("56 updates");
  await card.click();
  await expect(page).toHaveURL(/\/replay\/sputnik-helsinki-2018$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Putin, Trump Hold First Ever One-on-One Summit in Helsinki");
  await expect(page.getByLabel("About this data")).toContainText("16:11 GMT update");
  // A solo replay starts before the first update: nothing is shown yet.
  await expect(page.getByTestId("sim-clock")).toHaveText("12:44:00");
  await expect(page.locator(".entry")).toHaveCount(0);
});

test("a link to a moment opens there, and the replay plays entries in as their time comes", async ({ page }) => {
  await page.goto("/replay/sputnik-helsinki-2018?t=18:10:30&speed=10&play=1");
  // 15:10 GMT is 18:10 in Helsinki; 22 updates had been published by then, the last at 15:09.
  await expect(page.getByTestId("sim-clock")).toHaveText(/^18:1[01]:\d\d$/);
  await expect(page.locator(".entry").first()).toContainText(/18:09 Helsinki|18:11 Helsinki/);
  // What was published before the viewer came is not highlighted as new.
  await expect(page.locator(".entry-fresh")).toHaveCount(0);
  // At 10× the 15:11 press-conference update arrives about three seconds later, on top.
  await expect(page.locator(".entry").first()).toContainText("Putin and Trump Hold Press Conference", { timeout: 5000 });
  await expect(page.locator(".entry").first()).toHaveClass(/entry-fresh/);
  await expect(page.locator(".entry-fresh")).toHaveCount(1);
  await expect(page.locator(".entry").first()).toContainText("18:11 Helsinki");
  await expect(page.locator(".entry").first()).toContainText("(15:11 GMT)");

  await page.keyboard.press("k"); // pause
  await expect(page.getByRole("button", { name: "Play" })).toBeVisible();
  const count = await page.locator(".entry").count();
  await page.keyboard.press("ArrowRight"); // next entry
  await expect(page.locator(".entry")).toHaveCount(count + 1);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: "test-results/screenshots/replay-1920.png" });
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.screenshot({ path: "test-results/screenshots/replay-1024.png" });
});

test("a bad ?t= opens at the start with a polite notice that says why", async ({ page }) => {
  await page.goto("/replay/sputnik-helsinki-2018?t=25:99");
  await expect(page.getByTestId("notice")).toContainText('The link\'s time "25:99" could not be read');
  await expect(page.getByTestId("sim-clock")).toHaveText("12:44:00");
});

test("the jump box explains input it cannot read", async ({ page }) => {
  await page.goto("/replay/sputnik-helsinki-2018");
  await page.locator("#jump-input").fill("half past nowhere");
  await page.getByRole("button", { name: "Go" }).click();
  await expect(page.locator(".jump-error")).toContainText("half past nowhere");
  await page.locator("#jump-input").fill("18:11 Helsinki");
  await page.getByRole("button", { name: "Go" }).click();
  await expect(page.getByTestId("sim-clock")).toHaveText("18:11:00");
  await expect(page.locator(".entry").first()).toContainText("Putin and Trump Hold Press Conference");
});
