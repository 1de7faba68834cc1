/**
 * The class in a real room: a phone shows the clock and the newest headline
 * without scrolling, the projector is readable from the back (nothing under
 * 28 px at 1920×1080, nothing cut off at smaller sizes: a long newest entry
 * pages), and before the first play the projector is a lobby.
 * Screenshots go to screenshots/room-*.png in the output folder (test-results, or --output).
 */
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";

const FEED = "/replay/sputnik-helsinki-2018";
const shot = (name: string) => path.join(test.info().project.outputDir, "screenshots", name);
test.describe.configure({ timeout: 90_000 });

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
});

async function open(browser: Browser, path: string, viewport: { width: number; height: number }, phone = false): Promise<Page> {
  const context = await browser.newContext({ viewport, ...(phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}) });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(path);
  return page;
}

/** A class session started from the feed at `t` (or at its start); returns the console and the code. */
async function startClass(browser: Browser, t?: string): Promise<{ console: Page; code: string }> {
  const page = await open(browser, t ? `${FEED}?t=${t}` : FEED, { width: 1440, height: 1000 });
  await page.getByTestId("sim-clock").filter({ hasText: /\d\d:\d\d:\d\d/ }).waitFor();
  await page.getByRole("button", { name: "Start a class session" }).click();
  await page.waitForURL(/\/s\/[A-Z0-9]{6}\/control$/);
  await page.getByTestId("next-entry").waitFor();
  return { console: page, code: /\/s\/([A-Z0-9]{6})\/control/.exec(page.url())![1]! };
}

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
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      const padding = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector("main")!).paddingBottom));
      expect(padding).toBeGreaterThanOrEqual(bar.height);
      await page.evaluate(() => window.scrollTo(0, 0));
      expect(await seriousViolations(page), name).toEqual([]);
    }
  });
}

