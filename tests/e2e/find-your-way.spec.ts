/**
 * Finding your way in a replay without spoilers: search, key events, the next
 * update's time, a link to one update and its preview, back to where you were,
 * and today's clock.
 */
import { DateTime } from "luxon";
import { expect, test, type Page } from "@playwright/test";

const FEED = "/replay/sputnik-helsinki-2018";
/** The press conference, published at 15:11 GMT (18:11 Helsinki). */
const HEADLINE = "Putin and Trump Hold Press Conference After Tete-a-Tete Talks";
const QUERY = "press conference after tete-a-tete";

const results = (page: Page) => page.getByTestId("search-result");

test("search finds a headline only once it is published, highlights it and jumps to its entry", async ({ page }) => {
  await page.goto(`${FEED}?t=${encodeURIComponent("12:00 GMT")}`);
  await expect(page.getByTestId("sim-clock")).toHaveText("15:00:00");
  await page.keyboard.press("/");
  await expect(page.locator("#replay-search")).toBeFocused();
  await page.keyboard.type(QUERY);
  await expect(page.getByTestId("search-results")).toContainText("Nothing published so far matches.");
  await expect(results(page)).toHaveCount(0);
  // Typing in the box is not a shortcut: the "k" and "e" typed above did not play or seek.
  await expect(page.getByTestId("play-state")).toHaveText("Paused · 1×");

  await page.goto(`${FEED}?t=${encodeURIComponent("15:12 GMT")}`);
  await expect(page.getByTestId("sim-clock")).toHaveText("18:12:00");
  await page.locator("#replay-search").fill(QUERY);
  await expect(results(page)).toHaveCount(1);
  await expect(results(page).first()).toContainText(HEADLINE);
  await expect(results(page).first().locator("mark").first()).toHaveText(/press/i);
  await results(page).first().click();
  await expect(page.getByTestId("sim-clock")).toHaveText("18:11:00");
  await expect(page.locator(".entry-highlighted")).toHaveCount(1);
  await expect(page.locator(".entry-highlighted")).toContainText(HEADLINE);
});

test("a card is found once it is known or revealed, not before", async ({ page }) => {
  await page.goto(`${FEED}?t=21:18`);
  const card = (title: string) => results(page).filter({ has: page.locator("span", { hasText: /^Card$/ }) }).filter({ hasText: title });
  // Nord Stream 2 is known from 12:55 Helsinki; the INF Treaty card was written days later.
  await page.locator("#replay-search").fill("Nord Stream");
  await expect(card("Nord Stream 2")).toHaveCount(1);
  await page.locator("#replay-search").fill("INF Treaty");
  await expect(page.getByTestId("search-results")).toBeVisible();
  await expect(card("The INF Treaty")).toHaveCount(0);
  await page.locator("#replay-search").press("Escape"); // clears the box, closing the results
  await page.getByRole("button", { name: "INF: open the card “The INF Treaty”" }).first().click();
  await page.getByTestId("open-card").getByRole("button", { name: /^Reveal “The INF Treaty”/ }).click();
  await page.locator("#replay-search").fill("INF Treaty");
  await expect(card("The INF Treaty")).toHaveCount(1);

  await page.goto(`${FEED}?t=12:50`);
  await page.locator("#replay-search").fill("Nord Stream");
  await expect(page.getByTestId("search-results")).toBeVisible();
  await expect(card("Nord Stream 2")).toHaveCount(0);
});

test("key events only: the list keeps the key moments' updates, and the moments are a list to jump from", async ({ page }) => {
  await page.goto(`${FEED}?t=21:18`);
  await expect(page.getByTestId("sim-clock")).toHaveText("21:18:00");
  const all = await page.locator(".entry").count();
  await page.getByTestId("key-moments").locator("summary").click();
  await page.getByRole("button", { name: "Key events only" }).click();
  await expect(page.locator(".entry")).not.toHaveCount(all);
  const keyCount = await page.locator(".entry").count();
  expect(keyCount).toBeGreaterThan(0);
  expect(keyCount).toBeLessThanOrEqual(5);
  await expect(page.locator(".entry").filter({ hasText: HEADLINE })).toHaveCount(1);
  await expect(page.getByTestId("key-moments").locator("summary")).toHaveText("Key events · on");
  await page.getByTestId("key-moments").getByRole("button", { name: /Press conference/ }).click();
  await expect(page.getByTestId("sim-clock")).toHaveText("18:11:00");
  await expect(page.getByTestId("back-to")).toHaveText("Back to 21:18");
  await page.getByTestId("back-to").click();
  await expect(page.getByTestId("sim-clock")).toHaveText("21:18:00");
});

test("the clock bar says when the next update falls due, never what it says", async ({ page }) => {
  await page.goto(`${FEED}?t=${encodeURIComponent("15:12 GMT")}&speed=600`);
  await expect(page.getByTestId("next-update")).toHaveText("Next update in 1:00 · paused");
  await page.goto(`${FEED}?t=${encodeURIComponent("14:33")}&speed=600`);
  await expect(page.getByTestId("next-update")).toHaveText(/^Next update in 52:\d\d · paused$/);
  await page.keyboard.press("k");
  await expect(page.getByTestId("next-update")).toHaveText(/^Next update in \d+:\d\d · 0:0\d at 600×$/);
  await expect(page.getByTestId("next-update")).not.toContainText("Press Conference");
});

test("?entry= opens at that update, highlighted; its preview names it and nothing later", async ({ page, request }) => {
  const feed = (await (await request.get(`/api/feeds/sputnik-helsinki-2018`)).json()) as { entries: Array<{ key: string; title: string; publishedAt: string }> };
  const index = feed.entries.findIndex((entry) => entry.title.includes(HEADLINE));
  const entry = feed.entries[index]!;
  await page.goto(`${FEED}?entry=${encodeURIComponent(entry.key)}`);
  await expect(page.getByTestId("sim-clock")).toHaveText("18:11:00");
  await expect(page.locator(".entry-highlighted")).toContainText(HEADLINE);
  await expect(page.locator(".entry").first()).toContainText(HEADLINE);
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.locator(".entry-highlighted .entry-copy-link").click();
  await expect(page.locator(".entry-highlighted .entry-copy-link")).toHaveText("Link copied to this update");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(new RegExp(`/replay/sputnik-helsinki-2018\\?entry=${encodeURIComponent(entry.key)}$`));

  const meta = async (url: string) => {
    const html = await (await request.get(url)).text();
    return [...html.matchAll(/<meta (?:property|name)="(og:[a-z]+|twitter:[a-z]+|description)" content="([^"]*)"/g)].map((m) => [m[1]!, m[2]!] as const);
  };
  const linked = await meta(`${FEED}?entry=${encodeURIComponent(entry.key)}`);
  const names = linked.map(([name]) => name);
  for (const name of ["og:title", "og:description", "twitter:card", "twitter:title", "twitter:description", "description"]) expect(names).toContain(name);
  const text = linked.map(([, content]) => content).join("\n");
  expect(text).toContain("Tete-a-Tete Talks");
  const later = feed.entries.filter((other) => Date.parse(other.publishedAt) > Date.parse(entry.publishedAt));
  expect(later.length).toBeGreaterThan(10);
  const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  for (const other of later) expect(text).not.toContain(escape(other.title.slice(0, 60)));
  // A plain link previews the feed only: no update's headline at all.
  const plain = (await meta(FEED)).map(([, content]) => content).join("\n");
  for (const other of feed.entries) expect(plain).not.toContain(escape(other.title.slice(0, 60)));
  // An unknown key says so and starts at the beginning.
  await page.goto(`${FEED}?entry=no-such-entry`);
  await expect(page.getByTestId("notice")).toContainText("not in this feed");
  await expect(page.getByTestId("sim-clock")).toHaveText("12:44:00");
});

test("a solo viewer who comes back resumes where they left, with Start over", async ({ page, context }) => {
  await page.goto(`${FEED}?t=18:11`);
  await expect(page.getByTestId("sim-clock")).toHaveText("18:11:00");
  await expect.poll(() => page.evaluate(() => localStorage.getItem("relive:left:sputnik-helsinki-2018")), { timeout: 5000 }).not.toBeNull();
  await page.close();
  const again = await context.newPage();
  await again.goto(FEED);
  await expect(again.getByTestId("sim-clock")).toHaveText("18:11:00");
  await expect(again.getByTestId("nav-offers")).toContainText("Resumed where you left, at 18:11 Helsinki");
  await again.getByRole("button", { name: "Start over" }).click();
  await expect(again.getByTestId("sim-clock")).toHaveText("12:44:00");
});

test("?clock=today shows today's time of day in Helsinki, and a reload keeps it", async ({ page }) => {
  await page.goto(`${FEED}?clock=today`);
  const phase = page.getByTestId("today-clock");
  await expect(phase).toBeVisible();
  const now = DateTime.now().setZone("Europe/Helsinki");
  const minutes = now.hour * 60 + now.minute;
  // The coverage runs 12:45 – 21:18 Helsinki time.
  if (minutes >= 12 * 60 + 46 && minutes < 21 * 60 + 17) {
    await expect(phase).toHaveAttribute("data-phase", "during");
    for (const reload of [false, true]) {
      if (reload) await page.reload();
      await expect(page.getByTestId("play-state")).toHaveText("Playing · 1×");
      const shown = DateTime.fromFormat(`${now.toFormat("yyyy-MM-dd")} ${await page.getByTestId("sim-clock").textContent()}`, "yyyy-MM-dd HH:mm:ss", { zone: "Europe/Helsinki" });
      const expected = DateTime.now().setZone("Europe/Helsinki");
      expect(Math.abs(shown.toMillis() - expected.toMillis()), `${shown.toISO()} against ${expected.toISO()}`).toBeLessThan(3000);
    }
    await expect(phase).toContainText(`It is ${DateTime.now().setZone("Europe/Helsinki").toFormat("HH:mm")}`);
  } else if (minutes < 12 * 60 + 45) {
    await expect(phase).toHaveAttribute("data-phase", "before");
    await expect(phase).toContainText("The coverage starts in");
  } else {
    await expect(phase).toHaveAttribute("data-phase", "after");
    await expect(phase).toContainText("The coverage ended at 21:18 Helsinki");
  }
});

test("?clock=today counts down before the coverage and says when it is over, on the page's own clock", async ({ page }) => {
  // The page's Date is fixed (its timers still run): 10:00 and then 22:00 Helsinki time today.
  const today = DateTime.now().setZone("Europe/Helsinki").startOf("day");
  await page.clock.setFixedTime(today.set({ hour: 10 }).toJSDate());
  await page.goto(`${FEED}?clock=today`);
  const phase = page.getByTestId("today-clock");
  await expect(phase).toHaveAttribute("data-phase", "before");
  // The coverage starts at 12:45 Helsinki time: about 2 h 45 min after 10:00.
  await expect(phase).toContainText(/The coverage starts in 2:4\d:\d\d, at 12:45 Helsinki today\./);
  await expect(page.getByTestId("play-state")).toHaveText("Paused · 1×");

  await page.clock.setFixedTime(today.set({ hour: 22 }).toJSDate());
  await page.reload();
  await expect(phase).toHaveAttribute("data-phase", "after");
  await expect(phase).toContainText("The coverage ended at 21:18 Helsinki; come back tomorrow from 12:45 Helsinki.");
});

test("the console's search looks ahead, marked; a student's finds only what the class has seen", async ({ page, browser }) => {
  await page.goto(`${FEED}?t=18:00`);
  await expect(page.getByTestId("sim-clock")).toHaveText("18:00:00");
  await page.getByRole("button", { name: "Start a class session" }).click();
  await page.waitForURL(/\/control$/);
  const code = /\/s\/([A-Z0-9]{6})\/control/.exec(page.url())![1]!;
  await page.locator("#replay-search").fill(QUERY);
  await expect(results(page)).toHaveCount(1);
  await expect(results(page).first()).toContainText("ahead of the class");
  await expect(results(page).first()).toContainText(HEADLINE);

  const other = await browser.newContext();
  try {
    const student = await other.newPage();
    await student.goto(`/s/${code}`);
    await expect(student.getByTestId("sim-clock")).toHaveText("18:00:00");
    await student.locator("#replay-search").fill(QUERY);
    await expect(student.getByTestId("search-results")).toContainText("Nothing published so far matches.");
    await expect(student.getByText("ahead of the class")).toHaveCount(0);
    // The projector has no search at all.
    const projector = await other.newPage();
    await projector.goto(`/s/${code}/present`);
    await expect(projector.getByTestId("sim-clock")).toHaveText("18:00:00");
    await expect(projector.locator("#replay-search")).toHaveCount(0);
  } finally {
    await other.close();
  }
});

test("on a phone the search is folded away until the controls' Search opens it", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${FEED}?t=${encodeURIComponent("15:12 GMT")}`);
  await expect(page.getByTestId("sim-clock")).toHaveText("18:12:00");
  await expect(page.locator("#replay-search")).toBeHidden();
  await page.getByRole("region", { name: "Controls" }).getByRole("button", { name: "Search" }).click();
  await expect(page.locator("#replay-search")).toBeFocused();
  await page.keyboard.type(QUERY);
  await expect(results(page)).toHaveCount(1);
  expect(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)).toBe(false);
});
