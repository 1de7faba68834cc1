/** The replay page's controls, keyboard, time zones, projector view and phone layout. */
import { expect, test, type Page } from "@playwright/test";

const FEED = "/replay/sputnik-helsinki-2018";

async function clock(page: Page): Promise<string> {
  return (await page.getByTestId("sim-clock").textContent()) ?? "";
}

test("playing at 600× shows entries arriving in order, newest on top, announced politely", async ({ page }) => {
  await page.goto(`${FEED}?t=18:00&speed=600&play=1`);
  await expect.poll(() => page.locator(".entry").count(), { timeout: 8000 }).toBeGreaterThan(24);
  await page.keyboard.press("k");
  const times = await page.locator(".entry time").evaluateAll((nodes) => nodes.map((node) => node.getAttribute("datetime")));
  expect(times.length).toBeGreaterThan(21);
  expect(times).toEqual([...times].sort().reverse());
  await expect(page.getByTestId("announcer")).toContainText(/New update|new updates/);
  await page.getByRole("button", { name: "Oldest first" }).click();
  const oldest = await page.locator(".entry time").evaluateAll((nodes) => nodes.map((node) => node.getAttribute("datetime")));
  expect(oldest).toEqual([...times].reverse());
});

test("each keyboard shortcut works", async ({ page }) => {
  await page.goto(`${FEED}?t=18:11`);
  await expect(page.getByTestId("sim-clock")).toHaveText("18:11:00");
  await page.keyboard.press("l");
  await expect(page.getByTestId("sim-clock")).toHaveText("18:12:00");
  await page.keyboard.press("Shift+L");
  await expect(page.getByTestId("sim-clock")).toHaveText("18:22:00");
  await page.keyboard.press("j");
  await expect(page.getByTestId("sim-clock")).toHaveText("18:21:00");
  await page.keyboard.press("Shift+J");
  await expect(page.getByTestId("sim-clock")).toHaveText("18:11:00");
  await page.keyboard.press("ArrowRight"); // next entry: 15:13 GMT
  await expect(page.getByTestId("sim-clock")).toHaveText("18:13:00");
  await page.keyboard.press("PageUp"); // previous: 15:11
  await expect(page.getByTestId("sim-clock")).toHaveText("18:11:00");
  await page.keyboard.press("PageDown");
  await expect(page.getByTestId("sim-clock")).toHaveText("18:13:00");
  await page.keyboard.press("ArrowLeft");
  await expect(page.getByTestId("sim-clock")).toHaveText("18:11:00");
  await page.keyboard.press(">");
  await expect(page.getByTestId("play-state")).toHaveText("Paused · 2×");
  await page.keyboard.press("<");
  await expect(page.getByTestId("play-state")).toHaveText("Paused · 1×");
  await page.keyboard.press(" ");
  await expect(page.getByTestId("play-state")).toHaveText("Playing · 1×");
  await page.keyboard.press("k");
  await expect(page.getByTestId("play-state")).toHaveText("Paused · 1×");
  await page.keyboard.press("End");
  await expect(page.getByTestId("sim-clock")).toHaveText("21:18:00");
  await page.keyboard.press("Home");
  await expect(page.getByTestId("sim-clock")).toHaveText("12:44:00");
  await page.keyboard.press("5"); // 50 % of 12:44 → 21:18
  await expect(page.getByTestId("sim-clock")).toHaveText("17:01:00");
  await page.keyboard.press("0");
  await expect(page.getByTestId("sim-clock")).toHaveText("12:44:00");
  await page.keyboard.press("b");
  await expect(page.getByTestId("blank")).toBeVisible();
  await page.keyboard.press(".");
  await expect(page.getByTestId("blank")).toHaveCount(0);
  await page.keyboard.press("?");
  await expect(page.getByTestId("help")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("help")).toHaveCount(0);
  await page.keyboard.press("f");
  await expect.poll(() => page.evaluate(() => document.fullscreenElement !== null)).toBe(true);
  await page.keyboard.press("f");
  await expect.poll(() => page.evaluate(() => document.fullscreenElement !== null)).toBe(false);
});

test("?t= in ISO form and in another place's time open at the same moment", async ({ page }) => {
  for (const t of ["2018-07-16T15:11:00Z", "2018-07-16T18:11+03:00", "18:11 Helsinki", "15:11 GMT", "11:11 Washington"]) {
    await page.goto(`${FEED}?t=${encodeURIComponent(t)}`);
    await expect(page.getByTestId("sim-clock"), t).toHaveText("18:11:00");
    // A time with its zone needs no rule: the box only says where it landed.
    await expect(page.getByTestId("jump-hint"), t).toHaveText("18:11 Helsinki = 15:11 GMT");
  }
});

test("?t= with a bare time is the big clock's time, and the page says how it read it", async ({ page }) => {
  await page.goto(`${FEED}?t=18:11`);
  await expect(page.getByTestId("sim-clock")).toHaveText("18:11:00");
  await expect(page.getByLabel("Replay clock")).toContainText("Helsinki");
  await expect(page.getByLabel("Replay clock")).toContainText("15:11 GMT");
  await expect(page.getByTestId("jump-hint")).toHaveText("18:11 Helsinki = 15:11 GMT · a time without a zone is Helsinki time");
  await expect(page.locator(".entry").first()).toContainText("Putin and Trump Hold Press Conference");
});

test("a time read off the clock and typed bare into the jump box lands exactly there", async ({ page }) => {
  await page.goto(FEED);
  await expect(page.getByTestId("sim-clock")).toHaveText("12:44:00");
  for (let step = 0; step < 3; step++) await page.keyboard.press("ArrowRight"); // the third update: 10:02 GMT
  await expect(page.getByTestId("sim-clock")).toHaveText("13:02:00");
  const read = (await page.getByTestId("sim-clock").textContent())!; // Helsinki time, as the clock says
  await expect(page.locator(".clock-zone")).toHaveText("Helsinki");
  expect(read).toMatch(/^\d\d:\d\d:00$/);
  const typed = read.slice(0, 5);
  const gmt = `${String((Number(typed.slice(0, 2)) + 21) % 24).padStart(2, "0")}${typed.slice(2)}`; // Helsinki is GMT+3 in July

  await page.keyboard.press("End"); // somewhere else
  await expect(page.getByTestId("sim-clock")).toHaveText("21:18:00");
  await page.locator("#jump-input").fill(typed);
  await page.getByRole("button", { name: "Go" }).click();
  await expect(page.getByTestId("sim-clock")).toHaveText(read);
  await expect(page.getByTestId("jump-hint")).toHaveText(`${typed} Helsinki = ${gmt} GMT · a time without a zone is Helsinki time`);
  await expect(page.getByLabel("Replay clock")).toContainText(`${gmt} GMT`);

  // The teacher's case: 18:11 off the clock is the press conference, not three hours later.
  await page.locator("#jump-input").fill("18:11");
  await page.getByRole("button", { name: "Go" }).click();
  await expect(page.getByTestId("sim-clock")).toHaveText("18:11:00");
  await expect(page.getByTestId("jump-hint")).toHaveText("18:11 Helsinki = 15:11 GMT · a time without a zone is Helsinki time");
  await expect(page.locator(".entry").first()).toContainText("Putin and Trump Hold Press Conference");
});

test("shows the moment in GMT, Moscow, Washington and T+, and entries in a chosen zone", async ({ page }) => {
  await page.goto(`${FEED}?t=18:11`);
  const bar = page.getByLabel("Replay clock");
  await expect(bar).toContainText("15:11 GMT");
  await expect(bar).toContainText("18:11 Moscow");
  await expect(bar).toContainText("11:11 Washington");
  await expect(page.getByTestId("elapsed")).toHaveText("T+05:26");
  await expect(page.locator(".entry").first()).toContainText("just now");
  await page.getByLabel("Times in").selectOption({ label: "Washington" });
  await expect(page.locator(".entry").first()).toContainText("11:11 New York");
});

test("copy link to this moment makes a link that opens there", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto(`${FEED}?t=19:02`);
  await expect(page.getByTestId("sim-clock")).toHaveText("19:02:00");
  await page.getByRole("button", { name: "Copy link to this moment" }).click();
  // The link names its offset: it means the same moment whatever zone a bare time is read in.
  await expect(page.locator(".copied")).toContainText("?t=2018-07-16T19%3A02%2B03%3A00");
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(new URL(link).searchParams.get("t")).toBe("2018-07-16T19:02+03:00");
  await page.goto(link);
  await expect(page.getByTestId("sim-clock")).toHaveText("19:02:00");
  await expect(page.getByTestId("jump-hint")).toHaveText("19:02 Helsinki = 16:02 GMT");
});

test("a locked card stays locked until its time, and can be revealed", async ({ page }) => {
  await page.goto(`${FEED}?t=15:00`);
  const indictments = page.locator('article[data-card="indictments-2018-07-13"]');
  await expect(indictments).toHaveAttribute("data-locked", "true");
  await expect(indictments).not.toContainText("special counsel");
  await indictments.getByRole("button", { name: /Reveal/ }).click();
  await expect(indictments).toContainText("special counsel");
  await expect(page.locator('article[data-card="hamburg-2017"]')).not.toHaveAttribute("data-locked", "true");
});

test("a term a card explains is marked in the entry, and opens the card", async ({ page }) => {
  await page.goto(`${FEED}?t=20:43`);
  const entry = page.locator(".entry").first();
  await expect(entry).toContainText("Nord Stream 2");
  await entry.locator('button[data-card="nord-stream-2"]').first().click();
  await expect(page.getByTestId("open-card")).toContainText("Nord Stream 2");
});

for (const [width, height] of [
  [1920, 1080],
  [1280, 720],
  [1024, 768],
] as const) {
  test(`the projector view has no overflow at ${width}×${height}`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await page.goto(`${FEED}?view=projector&t=18:13`);
    await expect(page.locator(".featured .entry")).toContainText("Putin: Talks Were Successful");
    await page.screenshot({ path: `test-results/screenshots/projector-${width}x${height}.png` });
    const overflow = await page.evaluate(() => ({
      x: document.documentElement.scrollWidth > window.innerWidth,
      y: document.documentElement.scrollHeight > window.innerHeight,
    }));
    expect(overflow).toEqual({ x: false, y: false });
    if (width === 1920) {
      const size = await page.locator(".featured .entry-body").first().evaluate((node) => parseFloat(getComputedStyle(node).fontSize));
      expect(size).toBeGreaterThanOrEqual(32);
    }
    await expect(page.getByLabel("Controls")).toBeHidden();
    await page.mouse.move(200, 200);
    await expect(page.getByLabel("Controls")).toBeVisible();
  });
}

test("the replay works on a phone", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${FEED}?t=18:13`);
  await expect(page.locator(".entry").first()).toContainText("Putin: Talks Were Successful");
  const overflowX = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  expect(overflowX).toBe(false);
  await page.screenshot({ path: "test-results/screenshots/phone-390.png" });
});

test("dragging the scrubber to the press conference shows exactly the entries published by then", async ({ page, request }) => {
  const feed = await (await request.get("/api/feeds/sputnik-helsinki-2018")).json();
  const times: number[] = feed.entries.map((entry: { publishedAt: string }) => Date.parse(entry.publishedAt));
  await page.goto(FEED);
  const slider = page.getByRole("slider", { name: "Replay position" });
  await expect(slider).toBeVisible();
  const rail = (await slider.locator("..").boundingBox())!;
  const min = times[0]! - 60_000;
  const max = times.at(-1)!;
  // Half a minute after 15:11 GMT, so that a pixel either way still lands in the same minute.
  const target = Date.parse("2018-07-16T15:11:30Z");
  const thumb = (await slider.boundingBox())!;
  await page.mouse.move(thumb.x + thumb.width / 2, thumb.y + thumb.height / 2);
  await page.mouse.down();
  await page.mouse.move(rail.x + (rail.width * (target - min)) / (max - min), thumb.y + thumb.height / 2, { steps: 12 });
  await expect(page.locator(".clock-preview")).toBeVisible();
  await expect(page.locator(".entry").first()).toContainText("Putin and Trump Hold Press Conference"); // live preview
  await page.mouse.up();
  await expect(page.locator(".clock-preview")).toHaveCount(0);
  await expect(page.getByTestId("sim-clock")).toHaveText(/^18:1[12]:\d\d$/);
  const shown = await page.getByRole("slider", { name: "Replay position" }).getAttribute("aria-valuenow");
  const expected = times.filter((time) => time <= Number(shown)).length;
  await expect(page.locator(".entry")).toHaveCount(expected);
  expect(expected).toBe(23);
  await expect(page.locator(".entry").first()).toContainText("Putin and Trump Hold Press Conference");
});

test("cards can be unpinned and pinned, and the pins persist in the session", async ({ page }) => {
  await page.goto(`${FEED}?t=15:00`);
  const pinned = page.locator('aside[aria-label="Context cards"] article[data-card="hamburg-2017"]');
  await expect(pinned).toBeVisible();
  await page.getByRole("button", { name: "Unpin “Hamburg, July 2017: the first meeting”" }).click();
  await expect(pinned).toHaveCount(0);
  await page.getByText(/More cards/).click();
  await page.getByRole("button", { name: /^Pin “Syria/ }).click();
  await expect(page.locator('aside[aria-label="Context cards"] article[data-card="syria"]')).toBeVisible();
  await page.goto(FEED); // without ?t= the tab's solo session is rejoined from its storage, pins and all
  await expect(page.locator('aside[aria-label="Context cards"] article[data-card="syria"]')).toBeVisible();
  await expect(pinned).toHaveCount(0);
});

test("media entries are labelled, and the data note shows on the entry it concerns", async ({ page }) => {
  await page.goto(`${FEED}?t=19:11`);
  const video = page.locator("#entry-1511-putin-and-trump-hold-press-conference-after-tete-a-tete-talk");
  await expect(video.locator(".badge")).toHaveText("Video");
  // The headline as the page printed it: the WATCH label is styled, its words kept.
  await expect(video.locator(".entry-title")).toHaveText("WATCH Putin and Trump Hold Press Conference After Tete-a-Tete Talks in Helsinki");
  await expect(video.locator(".entry-title-label")).toHaveText("WATCH");
  await expect(page.locator(".entry").first()).toContainText("Trump Says Putin Good Competitor");
  await expect(page.locator(".entry").first().locator(".entry-note")).toContainText("sits out of time order");
  await page.goto(`${FEED}?t=19:14`);
  await expect(page.locator(".entry").first().locator(".entry-title")).toHaveText("WATCH: US Journo Is Dragged Out by Security for 'Protest' at Putin-Trump Presser");
  await page.goto(`${FEED}?t=18:50`);
  await expect(page.locator(".entry").first().locator(".badge")).toHaveText("Photo");
  await expect(page.locator(".entry").first()).toContainText("© AFP 2021 / Yuri KADOBNOV");
});

test("a reader scrolled away from the top gets a 'new updates' bar instead of a moving page", async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 600 });
  await page.goto(`${FEED}?t=18:10:40&speed=30`);
  await expect(page.locator(".entry")).toHaveCount(22);
  await page.evaluate(() => window.scrollTo(0, 900));
  const firstTitle = await page.locator(".entry-title").first().textContent();
  await page.keyboard.press("k"); // play
  await expect(page.locator(".new-updates")).toContainText(/new update/, { timeout: 8000 });
  expect(await page.locator(".entry-title").first().textContent()).toBe(firstTitle);
  await page.locator(".new-updates").click();
  await expect(page.locator(".entry").first()).toContainText("Putin and Trump Hold Press Conference");
  await expect(page.locator(".new-updates")).toHaveCount(0);
});

test("hovering the scrubber shows the time, and a headline only for updates already published", async ({ page }) => {
  await page.goto(`${FEED}?t=18:12`);
  const slider = page.getByRole("slider", { name: "Replay position" });
  await expect(slider).toBeVisible();
  const rail = (await slider.locator("..").boundingBox())!;
  const min = Date.parse("2018-07-16T09:44:00Z");
  const max = Date.parse("2018-07-16T18:18:00Z");
  const xOf = (iso: string) => rail.x + (rail.width * (Date.parse(iso) - min)) / (max - min);
  const tooltip = page.getByTestId("scrubber").locator('[aria-hidden="true"]').filter({ hasText: "Helsinki" });

  await page.mouse.move(xOf("2018-07-16T15:11:00Z"), rail.y + rail.height / 2);
  // The pointer's own time is within a pixel's worth (about 30 s) of the tick's.
  await expect(tooltip).toContainText(/18:1[01] Helsinki/);
  await expect(tooltip).toContainText("18:11 · WATCH Putin and Trump Hold Press Conference"); // the headline as printed

  await page.mouse.move(xOf("2018-07-16T17:49:00Z"), rail.y + rail.height / 2);
  await expect(tooltip).toContainText(/20:4[89] Helsinki/);
  await expect(tooltip).toContainText("20:49 · An update (not yet published)");
  await expect(tooltip).not.toContainText("Crimea");
});
