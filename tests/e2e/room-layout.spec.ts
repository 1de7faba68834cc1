/**
 * The class in a real room: a phone shows the clock and the newest headline
 * without scrolling, the projector is readable from the back (nothing under
 * 28 px at 1920×1080, nothing cut off at smaller sizes: a long newest entry
 * pages, and so do a long question's choices and results), and before the
 * first play the projector is a lobby.
 * Screenshots go to screenshots/room-*.png in the output folder (test-results, or --output).
 */
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { classPages, FEED } from "./class-pages";

const shot = (name: string) => path.join(test.info().project.outputDir, "screenshots", name);
test.describe.configure({ timeout: 90_000 });

const { open, startClass } = classPages();

async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(" ")).join(", ")})`);
}

/** Whether the element's whole box lies inside the first viewport (the page not scrolled), above the controls fixed at the bottom. */
async function inFirstViewport(page: Page, selector: string): Promise<boolean> {
  await page.evaluate(() => window.scrollTo(0, 0));
  const box = await page.locator(selector).first().boundingBox();
  const bottom = (await page.getByRole("region", { name: "Controls" }).boundingBox())?.y ?? page.viewportSize()!.height;
  return box !== null && box.y >= 0 && box.x >= 0 && box.y + box.height <= bottom && box.x + box.width <= page.viewportSize()!.width;
}

const PHONES = [
  { width: 390, height: 844 },
  { width: 360, height: 640 },
];

for (const size of PHONES) {
  test(`at ${size.width}×${size.height} a student and a solo reader see the clock and the newest headline without scrolling`, async ({ browser }) => {
    const { code } = await startClass(browser, "18:30");
    const student = await open(browser, `/s/${code}`, size, true);
    const solo = await open(browser, `${FEED}?t=18:30`, size, true);
    for (const [name, page] of [
      ["follower", student],
      ["solo", solo],
    ] as const) {
      await page.locator(".entry .entry-title").first().waitFor();
      await expect(page.getByTestId("sim-clock")).toHaveText("18:30:00");
      await page.screenshot({ path: shot(`room-phone-${name}-${size.width}x${size.height}.png`) });
      expect(await inFirstViewport(page, '[data-testid="sim-clock"]'), `${name}: the clock`).toBe(true);
      expect(await inFirstViewport(page, ".entry .entry-title"), `${name}: the newest headline`).toBe(true);
      expect(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth), `${name}: no sideways scroll`).toBe(false);

      // The data note is one line until tapped.
      const note = page.locator(".data-note");
      const summary = note.locator("summary");
      const lineHeight = await summary.evaluate((node) => parseFloat(getComputedStyle(node).lineHeight));
      expect((await note.boundingBox())!.height).toBeLessThan(lineHeight * 2 + 24);
      await expect(note.locator(".data-note-text")).toBeHidden();
      await summary.tap();
      await expect(note).toHaveAttribute("open", "");
      await expect(note.locator(".data-note-text")).toBeVisible();
      expect((await note.boundingBox())!.height).toBeGreaterThan(lineHeight * 2);

      // The controls that move the reader's own view are at the bottom, within reach, and cover nothing at the end.
      const transport = page.getByRole("region", { name: "Controls" });
      const bar = (await transport.boundingBox())!;
      expect(bar.y + bar.height).toBeGreaterThan(size.height - 4);
      await expect(transport.getByRole("button", { name: "Next entry" })).toBeInViewport();
      // The rest of the row scrolls sideways into reach, and back.
      const last = transport.getByRole("button").last();
      await expect(last).not.toBeInViewport();
      await last.scrollIntoViewIfNeeded();
      await expect(last).toBeInViewport();
      await transport.evaluate((row) => (row.scrollLeft = 0));
      await expect(transport.getByRole("button", { name: "Next entry" })).toBeInViewport();
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      const padding = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector("main")!).paddingBottom));
      expect(padding).toBeGreaterThanOrEqual(bar.height);
      await page.evaluate(() => window.scrollTo(0, 0));
      expect(await seriousViolations(page), name).toEqual([]);
    }
  });
}

/** Every visible text's font size, smallest first, and the entry bodies' smallest. */
async function projectedSizes(page: Page): Promise<{ smallest: Array<{ size: number; text: string }>; bodies: number }> {
  return page.evaluate(() => {
    const sizes: Array<{ size: number; text: string }> = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim();
      const parent = node.parentElement;
      if (!text || !parent || parent.closest(".visually-hidden")) continue;
      if (!parent.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const box = range.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      sizes.push({ size: parseFloat(getComputedStyle(parent).fontSize), text: text.slice(0, 40) });
    }
    sizes.sort((a, b) => a.size - b.size);
    const bodies = [...document.querySelectorAll(".entry-body")].map((node) => parseFloat(getComputedStyle(node).fontSize));
    return { smallest: sizes.slice(0, 5), bodies: Math.min(...bodies) };
  });
}

/** Elements that hold visible text and cut some off (overflow hidden, content larger than the box), but for a pager. */
async function clippedText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const clipped: string[] = [];
    for (const element of document.querySelectorAll<HTMLElement>("body *")) {
      if (element.closest(".visually-hidden") || element.dataset.pager === "paged") continue;
      if (!element.checkVisibility({ checkVisibilityCSS: true }) || !element.innerText?.trim()) continue;
      const style = getComputedStyle(element);
      const hides = (value: string) => value === "hidden" || value === "clip";
      const cutY = hides(style.overflowY) && element.scrollHeight > element.clientHeight + 1;
      const cutX = hides(style.overflowX) && element.scrollWidth > element.clientWidth + 1;
      if (cutY || cutX) clipped.push(`${element.tagName.toLowerCase()}.${element.className} ${element.scrollHeight}>${element.clientHeight}`);
    }
    return clipped;
  });
}

const PROJECTORS = [
  { width: 1920, height: 1080 },
  { width: 1280, height: 720 },
  { width: 1024, height: 768 },
];

test("the projector is read from the back: 28 px text at 1920×1080, and at every size nothing overflows or is cut off; a long update pages", async ({ browser }) => {
  const { console, code } = await startClass(browser, "18:13");
  // Two cards pinned, so the side column has something long to show.
  await console.getByText(/More cards/).click();
  await console.getByRole("button", { name: /^Pin “Syria/ }).click();
  const projectors: Page[] = [];
  for (const size of PROJECTORS) {
    const projector = await open(browser, `/s/${code}/present`, size);
    projectors.push(projector);
    await expect(projector.locator(".featured .entry")).toContainText("Putin: Talks Were Successful");
    await expect(projector.locator('article[data-card="syria"]')).toBeVisible();
    await projector.screenshot({ path: shot(`room-projector-${size.width}x${size.height}.png`) });
    if (size.width === 1920) {
      const { smallest, bodies } = await projectedSizes(projector);
      expect(smallest[0]!.size, JSON.stringify(smallest)).toBeGreaterThanOrEqual(28);
      expect(bodies).toBeGreaterThanOrEqual(32);
    }
    expect(await projector.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)).toBe(false);
    expect(await clippedText(projector), `${size.width}×${size.height}`).toEqual([]);
    if (size.width === 1024) expect(await seriousViolations(projector)).toEqual([]);
  }

  // A long update (three paragraphs) is too long for the smaller screens: it pages, and the clicker's PageDown turns the page,
  // also under an open "What happens next?", which has nothing of its own to page.
  await console.getByRole("textbox", { name: "Jump to" }).fill("21:01:30");
  await console.getByRole("button", { name: "Go" }).click();
  await console.getByTestId("question-panel").getByRole("button", { name: /What happens next/ }).click();
  for (const [index, size] of PROJECTORS.entries()) {
    const projector = projectors[index]!;
    await expect(projector.getByTestId("answered-count")).toBeVisible();
    await expect(projector.locator(".featured .entry")).toContainText("Russia's International Authority Surged");
    expect(await clippedText(projector), `${size.width}×${size.height}, long update`).toEqual([]);
    const pager = projector.getByTestId("featured-pager");
    if (size.width === 1920 && (await pager.getAttribute("data-pager")) === "whole") continue;
    await expect(pager).toHaveAttribute("data-pager", "paged");
    const mark = projector.getByTestId("featured-pager-page");
    await expect(mark).toContainText(/^1 \/ \d/);
    await projector.keyboard.press("PageDown");
    await expect(mark).toContainText(/^2 \/ \d/);
    expect(await pager.evaluate((node) => node.scrollTop)).toBeGreaterThan(0);
    await projector.screenshot({ path: shot(`room-projector-${size.width}x${size.height}-page2.png`) });
    await expect(projector.getByTestId("sim-clock")).toHaveText("21:01:30"); // the clicker paged; it did not step the class
    await projector.keyboard.press("ArrowUp");
    await expect(mark).toContainText(/^1 \/ \d/);
  }
});

test("a question as long as a question may be, with six long choices, stays on every projector's screen: its choices and results page, its prompt and count stay", async ({ browser }) => {
  const { console, code } = await startClass(browser, "18:00");
  const projectors: Page[] = [];
  for (const size of PROJECTORS) projectors.push(await open(browser, `/s/${code}/present`, size));
  const student = await open(browser, `/s/${code}`, { width: 390, height: 844 }, true);
  const prompt = `What will Trump say when a reporter asks him whom he believes about election interference ${"and why ".repeat(20)}`.slice(0, 199) + "?";
  const choices = Array.from({ length: 6 }, (_, index) => `Choice ${index + 1}: ${"he says something long and careful about it ".repeat(3)}`.slice(0, 80));
  const panel = console.getByTestId("question-panel");
  await panel.getByRole("button", { name: "Another question…" }).click();
  await panel.getByLabel("Question").fill(prompt);
  for (const [index, choice] of choices.entries()) {
    if (index >= 2) await panel.getByRole("button", { name: "Add a choice" }).click();
    await panel.getByLabel(`Choice ${index + 1}`).fill(choice);
  }
  await panel.getByRole("button", { name: "Ask", exact: true }).click();
  await student.getByRole("button", { name: choices[4], exact: true }).click();

  const onScreen = async (projector: Page, stage: string) => {
    const size = projector.viewportSize()!;
    const card = (await projector.getByTestId("projected-question").boundingBox())!;
    expect(card.y + card.height, `${size.width}×${size.height}, ${stage}`).toBeLessThanOrEqual(size.height);
    expect(await clippedText(projector), `${size.width}×${size.height}, ${stage}`).toEqual([]);
  };
  for (const projector of projectors) {
    await expect(projector.getByTestId("answered-count")).toHaveText("1 of 1 answered");
    await onScreen(projector, "open");
  }
  // On the smallest screen the choices page, and a page holds lines, not a sliver of one.
  const small = projectors[2]!;
  const pager = small.getByTestId("question-pager");
  await expect(pager).toHaveAttribute("data-pager", "paged");
  expect(await pager.evaluate((box) => box.clientHeight / box.querySelector("li")!.getBoundingClientRect().height)).toBeGreaterThanOrEqual(1);
  await small.screenshot({ path: shot("room-question-open-1024x768.png") });

  await panel.getByRole("button", { name: "Close answers" }).click();
  await panel.getByLabel("What really happened").selectOption({ label: choices[4] });
  await panel.getByRole("button", { name: "Reveal to the class" }).click();
  for (const projector of projectors) {
    await expect(projector.getByTestId("result-bar")).toHaveCount(6);
    await onScreen(projector, "revealed");
  }
  // On the smallest screen the results page: the clicker turns to the last page, where the last choice is, and back.
  const mark = small.getByTestId("question-pager-page");
  await expect(mark).toHaveText(/^\d+ \/ \d+ · PageDown for more$/);
  const pages = parseInt((await mark.textContent())!.split("/ ")[1]!, 10);
  // From the first page, whichever the 12 s turn has reached by now.
  for (let page = 1; page < pages; page++) await small.keyboard.press("PageUp");
  await expect(mark).toHaveText(/^1 \//);
  await expect(small.getByTestId("result-bar").nth(5)).not.toBeInViewport();
  for (let page = 2; page <= pages; page++) {
    await small.keyboard.press("PageDown");
    await expect(mark).toHaveText(new RegExp(`^${page} /`));
  }
  await expect(small.getByTestId("result-bar").nth(5)).toBeInViewport();
  await expect(small.getByTestId("sim-clock")).toHaveText("18:00:00"); // the clicker paged; it did not step the class
  await small.screenshot({ path: shot("room-question-revealed-1024x768.png") });
  await small.keyboard.press("PageUp");
  await expect(mark).toHaveText(new RegExp(`^${pages - 1} /`));
  await projectors[0]!.screenshot({ path: shot("room-question-revealed-1920x1080.png") });
  // Beneath it, the latest update had no room: it stepped aside rather than show a sliver, and comes back when the class plays on.
  await expect(small.getByTestId("featured-pager")).toBeHidden();
  await console.getByRole("button", { name: "Play", exact: true }).click();
  await expect(small.getByTestId("projected-question")).toHaveCount(0);
  await expect(small.getByTestId("featured-pager")).toBeVisible();
  expect(await clippedText(small)).toEqual([]);
});

test("a projector opened on a new session is a lobby with the code and QR code, and shows the replay after Play", async ({ browser }) => {
  const { console, code } = await startClass(browser);
  const projector = await open(browser, `/s/${code}/present`, { width: 1920, height: 1080 });
  const lobby = projector.getByTestId("lobby");
  await expect(lobby).toBeVisible();
  await expect(projector.getByTestId("lobby-code")).toHaveText(`${code.slice(0, 3)}-${code.slice(3)}`);
  const qr = (await lobby.locator("svg").boundingBox())!;
  expect(qr.width).toBeGreaterThan(500);
  await expect(lobby).toContainText(`/s/${code.slice(0, 3)}-${code.slice(3)}`);
  // The room fills up: the projector counts the students' devices, not itself.
  const phone = await open(browser, `/s/${code}`, { width: 390, height: 844 }, true);
  await expect(projector.getByTestId("lobby-count")).toHaveText("1 has joined");
  // Only the teacher is told to press Play: a student's Play would move their own view alone.
  await expect(phone.getByTestId("entries")).toHaveText("Nothing published yet: updates appear here as the class reaches them.");
  await expect(console.getByTestId("entries")).toHaveText("Nothing published yet. Press Play.");
  await open(browser, `/s/${code}`, { width: 1280, height: 800 });
  await expect(projector.getByTestId("lobby-count")).toHaveText("2 have joined");
  await projector.screenshot({ path: shot("room-lobby-1920x1080.png") });
  const { smallest } = await projectedSizes(projector);
  expect(smallest[0]!.size, JSON.stringify(smallest)).toBeGreaterThanOrEqual(28);
  expect(await clippedText(projector)).toEqual([]);
  expect(await seriousViolations(projector)).toEqual([]);

  await console.getByRole("button", { name: "Play" }).click();
  await expect(lobby).toHaveCount(0);
  await expect(projector.getByTestId("projector-join")).toBeVisible();
  await expect(projector.getByTestId("entries")).toHaveText("Nothing published yet."); // the first update is a minute away
  await console.getByRole("button", { name: "Next entry" }).click();
  await expect(projector.locator(".featured .entry")).toBeVisible();
  await projector.screenshot({ path: shot("room-after-lobby-1920x1080.png") });
});
