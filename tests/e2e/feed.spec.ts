import { expect, test } from "@playwright/test";

test("the library links to the seeded feed, whose page shows every update and the data note", async ({ page }) => {
  await page.goto("/");
  const card = page.getByRole("link", { name: /Putin, Trump Hold First Ever One-on-One Summit in Helsinki/ });
  await expect(card).toContainText("Sputnik");
  await expect(card).toContainText("56 updates");
  await card.click();

  await expect(page).toHaveURL(/\/replay\/sputnik-helsinki-2018$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Putin, Trump Hold First Ever One-on-One Summit in Helsinki");
  await expect(page.locator(".entry")).toHaveCount(56);
  await expect(page.getByLabel("About this data")).toContainText("16:11 GMT update");
  // Times are shown in Helsinki time, with the published GMT time beside them.
  const last = page.locator(".entry").first();
  await expect(last).toContainText("21:18 Helsinki");
  await expect(last).toContainText("(18:18 GMT)");
  await page.screenshot({ path: "test-results/screenshots/feed-page.png", fullPage: false });
});
