/**
 * The feed library in a real browser: the key, importing each format with its preview and
 * anomalies, a re-import's diff, authoring a card that stays locked until its moment, the
 * export round trip, deletion, and the refusals (no key, another site).
 */
import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { E2E_LIBRARY_KEY } from "./library-key";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures");
const fixture = (name: string) => ({ name, mimeType: "text/html", buffer: fs.readFileSync(path.join(FIXTURES, name)) });

// Serial: later tests use the feeds earlier ones import. A busy machine makes a page load take seconds.
test.describe.configure({ mode: "serial", timeout: 60_000 });

/** Enters the key once, through the link the server prints at start-up. */
async function enterKey(page: Page) {
  await page.goto(`/library?key=${E2E_LIBRARY_KEY}`);
  await expect(page.getByRole("link", { name: "Import a live blog" })).toBeVisible();
  await expect(page).toHaveURL(/\/library$/); // the key left the address bar
}

/** A plain-text live blog, newest first, with a duplicate time and headline, a time the clocks skipped and one out of order. */
const TEXT_FEED = [
  "Intro.",
  "",
  "New messages",
  ...[
    ["03:10", "Counting continues", "Sunderland declares."],
    ["02:40", "Turnout is high", "Turnout above 70%."],
    ["02:40", "Turnout is high", "Repeated by the page."],
    ["01:30", "An hour that never was", "Clocks went forward at 01:00."],
    ["00:40", "Polls closed", "The count begins."],
    ["00:50", "Out of place", "A late insert."],
  ].flatMap(([time, headline, body]) => [`    • ${time}`, "", `      ${headline}`, "", `      ${body}`]),
  "    LIVE UPDATES: Referendum night",
  "",
].join("\n");

function jsonFeed(changedHeadline = "Result declared") {
  return JSON.stringify({
    "@context": "https://schema.org",
    "@type": "LiveBlogPosting",
    identifier: "json-night",
    headline: "Results night, as JSON",
    description: "A small feed.",
    publisher: { name: "The Test Outlet" },
    "relive:publishedZone": "Europe/London",
    "relive:eventZone": "Europe/London",
    "relive:eventDate": "2016-06-24",
    liveBlogUpdate: [
      { "@type": "BlogPosting", identifier: "e3", headline: changedHeadline, articleBody: "Leave wins.", datePublished: "2016-06-24T07:20:00+01:00" },
      { "@type": "BlogPosting", identifier: "e2", headline: "Pound falls", articleBody: "A <b>sharp</b> fall.", datePublished: "2016-06-24T04:00:00+01:00" },
      { "@type": "BlogPosting", identifier: "e1", headline: "Polls close", articleBody: "Counting starts.", datePublished: "2016-06-23T22:00:00+01:00" },
    ],
  });
}

/** axe-core's serious and critical violations on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** The page's own alerts (Next adds an empty one of its own, the route announcer). */
const alertOf = (page: Page) => page.locator("main [role=alert]");
const anomalies = (page: Page) => page.getByRole("list", { name: "Anomalies" });

test("without the key the library refuses, and a wrong key is named", async ({ page, request }) => {
  const refused = await request.post("/api/library/preview?name=a.json", { data: jsonFeed() });
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error).toBe("key_required");
  await page.goto("/library/import");
  await expect(page.getByRole("heading", { name: "Enter the library key" })).toBeVisible();
  await page.getByLabel("Library key", { exact: true }).fill("not-the-key-at-all");
  await page.getByRole("button", { name: "Enter" }).click();
  await expect(alertOf(page)).toHaveText("That is not the library key");
});

test("a request from another site is refused, even with the key's cookie", async ({ page }) => {
  await enterKey(page);
  for (const headers of [{ Origin: "http://evil.example" }, { "Sec-Fetch-Site": "cross-site" }] as Record<string, string>[]) {
    const response = await page.request.post("/api/library/preview?name=a.json", { data: jsonFeed(), headers });
    expect(response.status()).toBe(403);
    expect((await response.json()).error).toBe("cross_site");
  }
  const deleted = await page.request.delete("/api/library/feeds/sputnik-helsinki-2018?confirm=sputnik-helsinki-2018", { headers: { Origin: "http://evil.example" } });
  expect(deleted.status()).toBe(403);
  expect((await page.request.get("/api/feeds/sputnik-helsinki-2018")).status()).toBe(200);
});

test("a pasted text feed: metadata, anomalies in the preview, then saved", async ({ page }) => {
  await enterKey(page);
  await page.goto("/library/import");
  await expect(page.getByText("Up to 20 MiB and 5,000 updates")).toBeVisible();
  await page.getByLabel("pasted text").check();
  await page.getByLabel("Text", { exact: true }).fill(TEXT_FEED);
  await page.getByRole("button", { name: "Preview" }).click();
  // The plain-text format does not say its metadata: the error names the field.
  await expect(alertOf(page)).toContainText("a plain-text feed needs its slug");
  await expect(page.getByLabel(/^Slug/)).toHaveAttribute("aria-invalid", "true");
  await page.getByLabel(/^Slug/).fill("referendum-night");
  await page.getByLabel("Outlet").fill("The Test Outlet");
  await page.getByLabel(/^Zone of the printed times/).fill("Europe/London");
  await page.getByLabel(/^Zone of the event/).fill("Europe/London");
  await page.getByLabel(/^Date of the times/).fill("2016-03-27");
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByRole("heading", { name: "Preview: Referendum night" })).toBeVisible();
  const list = anomalies(page);
  await expect(list.locator('[data-kind="out_of_order"]')).toContainText("sits out of time order on the source page");
  await expect(list.locator('[data-kind="duplicate_time"]')).toContainText("2 updates share the time 02:40");
  await expect(list.locator('[data-kind="duplicate_headline"]')).toContainText('"Turnout is high"');
  await expect(list.locator('[data-kind="nonexistent_time"]')).toContainText("does not exist in Europe/London");
  await expect(list.locator('[data-kind="nonexistent_time"]')).toContainText(/line \d+/);
  // Replay order: by time, the skipped 01:30 replayed at 02:30.
  const rows = page.getByRole("region", { name: "Updates in replay order" }).locator("tbody tr");
  await expect(rows).toHaveCount(6);
  await expect(rows.first()).toContainText("Polls closed");
  await expect(rows.last()).toContainText("Counting continues");
  await page.getByRole("button", { name: "Save to the library" }).click();
  await expect(page.getByRole("status")).toContainText("Saved: 6 updates in referendum-night");
  expect((await page.request.get("/api/feeds/referendum-night")).status()).toBe(200);
});

test("a JSON feed is uploaded; a re-import that changes one entry shows the change and keeps its key", async ({ page }) => {
  await enterKey(page);
  await page.goto("/library/import");
  await page.getByLabel(/^File/).setInputFiles({ name: "night.json", mimeType: "application/json", buffer: Buffer.from(jsonFeed()) });
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByText("LiveBlogPosting JSON", { exact: true })).toBeVisible();
  await expect(anomalies(page).locator('[data-kind="markup_kept"]')).toContainText("<b>");
  await page.getByRole("button", { name: "Save to the library" }).click();
  await expect(page.getByRole("status")).toContainText("Saved: 3 updates in json-night");

  await page.getByLabel(/^File/).setInputFiles({ name: "night.json", mimeType: "application/json", buffer: Buffer.from(jsonFeed("Result declared: Leave")) });
  await page.getByRole("button", { name: /Preview/ }).click();
  await expect(page.getByRole("heading", { name: "Re-import: what changes" })).toBeVisible();
  await expect(page.getByLabel("Changes")).toContainText("0 added, 1 changed, 0 removed");
  await expect(page.getByLabel("Changes")).toContainText("Changed (title): 07:20 Result declared: Leave");
  await page.getByRole("button", { name: "Save the changes" }).click();
  await expect(page.getByRole("status")).toContainText("Saved: 3 updates");
  const feed = await (await page.request.get("/api/feeds/json-night")).json();
  expect(feed.entries.map((e: { key: string; title: string }) => [e.key, e.title])).toEqual([
    ["e1", "Polls close"],
    ["e2", "Pound falls"],
    ["e3", "Result declared: Leave"],
  ]);
});

test("saved HTML pages: an @graph page (zone corrected), several JSON-LD blocks, and a page without JSON-LD", async ({ page }) => {
  await enterKey(page);
  await page.goto("/library/import");
  await page.getByLabel(/^File/).setInputFiles(fixture("live-blog-graph.html"));
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByRole("heading", { name: "Preview: Helsinki summit live: Trump and Putin meet – as it happened" })).toBeVisible();
  await expect(page.getByText(/Guessed: the updates' times are written with the offset \+03:00/).first()).toBeVisible();
  await expect(anomalies(page).locator('[data-kind="markup_stripped"]')).toContainText("<p>");
  expect(await seriousViolations(page)).toEqual([]);
  // Correct the guessed zones and the slug, preview again, save.
  await page.getByLabel(/^Zone of the printed times/).fill("Europe/Helsinki");
  await page.getByLabel(/^Zone of the event/).fill("Europe/Helsinki");
  await page.getByLabel(/^Slug/).fill("ledger-helsinki");
  await page.getByRole("button", { name: "Preview again" }).click();
  await expect(page.getByText("Europe/Helsinki (as you gave it)").first()).toBeVisible();
  await page.getByRole("button", { name: "Save to the library" }).click();
  await expect(page.getByRole("status")).toContainText("Saved: 5 updates in ledger-helsinki");

  await page.goto("/library/import");
  await page.getByLabel(/^File/).setInputFiles(fixture("live-blog-several-blocks.html"));
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByRole("heading", { name: "Preview: Trump-Putin summit: latest updates" })).toBeVisible();
  await expect(page.getByLabel("Outlet")).toHaveValue("Northern Broadcasting");

  await page.getByLabel(/^File/).setInputFiles(fixture("live-blog-no-jsonld.html"));
  await page.getByRole("button", { name: /Preview/ }).click();
  await expect(alertOf(page)).toContainText("No JSON-LD found");
  await expect(alertOf(page)).toContainText("import it as plain text");
});

test("an authored card previews its unlock time and stays locked in the replay until then", async ({ page }) => {
  await enterKey(page);
  await page.goto("/library/ledger-helsinki");
  await page.getByRole("button", { name: "Add a card" }).click();
  await page.getByLabel("Title", { exact: true }).first().fill("The summit's venue");
  await page.getByLabel(/^Body/).fill("The Presidential Palace on the Market Square.");
  await page.getByLabel("Outlet").fill("Helsinki Times");
  await page.getByLabel("Title", { exact: true }).nth(1).fill("Where the leaders meet");
  await page.getByLabel(/^Published/).fill("2018-07-16");
  await page.getByLabel(/^Address/).fill("https://www.helsinkitimes.example/venue");
  await page.getByLabel("Date", { exact: true }).fill("2018-07-16");
  await page.getByLabel("Time", { exact: true }).fill("14:05");
  await expect(page.getByText(/^Shows from 14:05 Helsinki time: after update \d+ of 5/)).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByLabel("Pinned by default").check();
  // The server validates as the card importer does, and the error names the field.
  await page.getByLabel(/^Published/).fill("16 July 2018");
  await page.getByRole("button", { name: "Save the card" }).click();
  await expect(alertOf(page)).toContainText("source.date: must be a date in the form yyyy-MM-dd");
  await expect(page.getByLabel(/^Published/)).toHaveAttribute("aria-invalid", "true");
  await page.getByLabel(/^Published/).fill("2018-07-16");
  await page.getByRole("button", { name: "Save the card" }).click();
  await expect(page.getByRole("heading", { name: "Context cards (1)" })).toBeVisible();
  await expect(page.getByRole("listitem").getByText(/^Shows from 14:05 Helsinki time/)).toBeVisible();

  const card = page.locator('article[data-card="the-summit-s-venue"]');
  await page.goto("/replay/ledger-helsinki?t=14:00");
  await expect(card).toHaveAttribute("data-locked", "true");
  await expect(card).not.toContainText("Market Square");
  await page.goto("/replay/ledger-helsinki?t=14:06");
  await expect(card).not.toHaveAttribute("data-locked", "true");
  await expect(card).toContainText("Market Square");
});

test("key moments and pause points are saved, and the replay's timeline labels the moment", async ({ page }) => {
  await enterKey(page);
  await page.goto("/library/ledger-helsinki");
  await page.getByRole("button", { name: "Add a moment" }).click();
  const moments = page.getByRole("group", { name: /^Key moments/ });
  await moments.getByLabel("Label").fill("Talks begin");
  await moments.getByLabel("Date").fill("2018-07-16");
  await moments.getByLabel("Time").fill("14:10");
  await page.getByRole("region", { name: "Updates to pause before" }).getByLabel(/Talks over after more than four hours/).check();
  await page.getByRole("button", { name: "Save moments and pause points" }).click();
  await expect(page.locator("main [role=status]")).toHaveText("Saved.");
  const feed = await (await page.request.get("/api/feeds/ledger-helsinki")).json();
  expect(feed.keyMoments).toEqual([{ label: "Talks begin", at: "2018-07-16T11:10:00.000Z" }]);
  expect(feed.pauseKeys).toHaveLength(1);
  await page.goto("/replay/ledger-helsinki");
  await expect(page.getByRole("button", { name: /Talks begin/ })).toBeVisible();

  // A class on this feed: its console offers the suggested pause point, and one click ticks it.
  await page.getByRole("button", { name: "Start a class session" }).click();
  await page.waitForURL(/\/s\/[A-Z0-9]{6}\/control$/);
  await page.getByRole("button", { name: "Pause at the suggested point" }).click();
  await expect(page.getByRole("button", { name: "Pause at the suggested point" })).toHaveCount(0);
  const upcoming = page.getByRole("button", { name: /^Show all \d+ upcoming$/ });
  if (await upcoming.isVisible()) await upcoming.click();
  const suggestedPoint = page.getByTestId("pause-list").getByRole("checkbox", { name: /Talks over after more than four hours.*suggested/ });
  await expect(suggestedPoint).toBeChecked();
});

test("the export round-trips: importing it again changes nothing", async ({ page }) => {
  await enterKey(page);
  const feed = await page.request.get("/api/library/feeds/ledger-helsinki/export?file=feed");
  expect(feed.headers()["content-disposition"]).toContain("ledger-helsinki.json");
  const cards = await (await page.request.get("/api/library/feeds/ledger-helsinki/export?file=cards")).json();
  expect(cards.cards.map((c: { id: string; source: { url?: string } }) => [c.id, c.source.url])).toEqual([["the-summit-s-venue", "https://www.helsinkitimes.example/venue"]]);
  await page.goto("/library/import");
  await page.getByLabel(/^File/).setInputFiles({ name: "ledger-helsinki.json", mimeType: "application/json", buffer: await feed.body() });
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByText("Nothing changes: this is the stored feed exactly.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Save the changes" })).toBeDisabled();
  // The cards file, saved back card by card, changes nothing either.
  const again = await page.request.put(`/api/library/feeds/ledger-helsinki/cards/the-summit-s-venue`, { data: cards.cards[0] });
  expect(again.status()).toBe(200);
  expect(await (await page.request.get("/api/library/feeds/ledger-helsinki/export?file=cards")).json()).toEqual(cards);
});

test("deleting a feed asks for its slug, names the class running on it, and ends that class on every screen, readably", async ({ page, browser }) => {
  // A class runs on the feed: the teacher's console, the projector beside it, a phone.
  const teacher = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const console_ = await teacher.newPage();
  await console_.goto("/replay/json-night");
  await console_.getByRole("button", { name: "Start a class session" }).click();
  await console_.waitForURL(/\/s\/[A-Z0-9]{6}\/control$/);
  const code = /\/s\/([A-Z0-9]{6})\/control/.exec(console_.url())![1]!;
  const projector = await teacher.newPage();
  await projector.setViewportSize({ width: 1024, height: 768 });
  await projector.goto(`/s/${code}/present`);
  const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const phone = await phoneContext.newPage();
  await phone.goto(`/s/${code}`);
  await expect(console_.getByText(/1 following · 1 projector/)).toBeVisible();

  await enterKey(page);
  await page.goto("/library/json-night");
  await page.getByRole("button", { name: "Delete…" }).click();
  await expect(page.getByText(/^1 class session is live on this feed/)).toBeVisible();
  await expect(page.getByRole("button", { name: "Delete the feed" })).toBeDisabled();
  await page.getByLabel(/Type json-night to confirm/).fill("json-night");
  await page.getByRole("button", { name: "Delete the feed" }).click();
  await expect(page).toHaveURL(/\/library$/);
  expect((await page.request.get("/api/feeds/json-night")).status()).toBe(404);

  for (const screen of [console_, projector, phone]) {
    await expect(alertOf(screen)).toHaveText("This session has ended: its feed was deleted from the library.");
  }
  expect(await seriousViolations(projector)).toEqual([]); // light text on a light box was unreadable there
  await teacher.close();
  await phoneContext.close();
});
