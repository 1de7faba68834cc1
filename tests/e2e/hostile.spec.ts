/** Feed content with markup and script text is shown as inert text in the browser. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";

const root = path.resolve(import.meta.dirname, "../..");
const headline = `<script>alert("xss")</script> Summit <img src=x onerror="window.__pwned=1">`;
const body = `<b>bold?</b> & </script><iframe src="http://example.com"></iframe>\n\nSecond paragraph`;

test.beforeAll(() => {
  const feed = {
    "@context": "https://schema.org",
    "@type": "LiveBlogPosting",
    identifier: "hostile",
    headline: "Hostile <i>feed</i>",
    description: "Markup in every field.",
    publisher: { "@type": "Organization", name: "Test <Outlet>" },
    "relive:publishedZone": "UTC",
    "relive:eventZone": "Europe/Helsinki",
    "relive:eventDate": "2018-07-16",
    liveBlogUpdate: [{ "@type": "BlogPosting", identifier: "only", headline, articleBody: body, datePublished: "2018-07-16T12:00:00Z" }],
  };
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "relive-hostile-")), "hostile.json");
  fs.writeFileSync(file, JSON.stringify(feed));
  const port = process.env.RELIVE_E2E_PORT ?? "3197";
  execFileSync(process.execPath, ["--import", "tsx", "scripts/import.ts", file], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: "", RELIVE_DATA_DIR: path.join(os.tmpdir(), `relive-e2e-${port}`) },
  });
});

test("markup and script text in a feed stay text on the page", async ({ page }) => {
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const outside: string[] = [];
  page.on("request", (request) => {
    if (!request.url().startsWith("http://localhost")) outside.push(request.url());
  });
  await page.goto("/replay/hostile?t=15:00");
  const entry = page.locator(".entry").first();
  await expect(entry.locator(".entry-title")).toHaveText(headline);
  await expect(entry.locator(".entry-body").first()).toHaveText("<b>bold?</b> & </script><iframe src=\"http://example.com\"></iframe>");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hostile <i>feed</i>");
  expect(await entry.locator("img, b, iframe, script").count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(dialogs).toEqual([]);
  expect(outside).toEqual([]);
});
