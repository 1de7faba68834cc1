import { expect, test } from "@playwright/test";

test("the home page shows the feed library and loads nothing from outside the machine", async ({ page, baseURL }) => {
  const requested: string[] = [];
  page.on("request", (request) => requested.push(request.url()));

  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Relive");
  await expect(page.getByRole("heading", { name: "Feed library" })).toBeVisible();
  await page.waitForLoadState("networkidle");

  expect(requested.length).toBeGreaterThan(0);
  const origin = new URL(baseURL!).origin;
  expect(requested.filter((url) => !url.startsWith(origin) && !url.startsWith("data:"))).toEqual([]);
  // System fonts only: no font file is fetched at all.
  expect(requested.filter((url) => /\.(woff2?|ttf|otf)(\?|$)/.test(url))).toEqual([]);
});

test("the health endpoint reports the database", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ status: "ok", db: "ok" });
});

test("an address with no page, or a replay of a feed not in the library, says so in Relive's own page and leads home", async ({ page }) => {
  for (const path of ["/replay/no-such-feed", "/no/such/page"]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(page).toHaveTitle("Not found · Relive");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Not found");
    await expect(page.getByTestId("not-found")).toContainText("no page at this address");
  }
  await page.getByRole("link", { name: /feeds in the library/ }).click();
  await expect(page.getByRole("heading", { name: "Feed library" })).toBeVisible();
});
