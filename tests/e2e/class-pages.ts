/**
 * The screens of a class, for the tests that open several at once: each page
 * in a browser context of its own (its own storage, as on separate devices),
 * all closed after each test; and a class session started from the replay,
 * as a teacher starts one.
 */
import { test, type Browser, type BrowserContext, type Page } from "@playwright/test";

export const FEED = "/replay/sputnik-helsinki-2018";

type Viewport = { width: number; height: number };

/**
 * Call once at a spec file's top level: it closes every context it opened
 * after each test. `base` is the server's address (default: the test server).
 */
export function classPages(base = "") {
  const contexts: BrowserContext[] = [];
  test.afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
  });

  /** A page on `path`; `phone`, a touch screen at device scale 2. */
  async function open(browser: Browser, path: string, viewport: Viewport = { width: 1280, height: 800 }, phone = false): Promise<Page> {
    const context = await browser.newContext({ viewport, ...(phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}) });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(base + path);
    return page;
  }

  /** The teacher's console on a class session started from the replay at `at` (the event's time; default, the feed's start), and its code. */
  async function startClass(browser: Browser, at?: string): Promise<{ console: Page; code: string }> {
    const console = await open(browser, at ? `${FEED}?t=${at}` : FEED, { width: 1440, height: 1000 });
    await console.getByTestId("sim-clock").filter({ hasText: at ? `${at}:00` : /\d\d:\d\d:\d\d/ }).waitFor();
    await console.getByRole("button", { name: "Start a class session" }).click();
    await console.waitForURL(/\/s\/[A-Z0-9]{6}\/control$/);
    await console.getByTestId("next-entry").waitFor();
    return { console, code: /\/s\/([A-Z0-9]{6})\/control/.exec(console.url())![1]! };
  }

  return { open, startClass };
}
