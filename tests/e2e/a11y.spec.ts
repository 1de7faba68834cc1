/** axe-core finds no serious or critical violation on any page, in any of its states. */
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";

async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(" ")).join(", ")})`);
}

const pages: Array<[string, string, (page: Page) => Promise<void>]> = [
  ["the library", "/", async (page) => void (await page.getByRole("heading", { name: "Feed library" }).waitFor())],
  ["the replay", "/replay/sputnik-helsinki-2018?t=20:43", async (page) => void (await page.locator(".entry").first().waitFor())],
  ["the replay before anything is published", "/replay/sputnik-helsinki-2018", async (page) => void (await page.getByTestId("scrubber").waitFor())],
  ["the projector view", "/replay/sputnik-helsinki-2018?t=18:13&view=projector", async (page) => void (await page.locator(".featured .entry").waitFor())],
];

for (const [name, url, ready] of pages) {
  test(`${name} has no serious or critical accessibility violation`, async ({ page }) => {
    await page.goto(url);
    await ready(page);
    expect(await seriousViolations(page)).toEqual([]);
  });
}

test("the help overlay and an opened card have no serious or critical violation", async ({ page }) => {
  await page.goto("/replay/sputnik-helsinki-2018?t=20:43");
  await page.locator('.entry button[data-card="nord-stream-2"]').first().click();
  await page.getByTestId("open-card").waitFor();
  expect(await seriousViolations(page)).toEqual([]);
  await page.keyboard.press("Escape");
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("?");
  await page.getByTestId("help").waitFor();
  expect(await seriousViolations(page)).toEqual([]);
});

test("every control can be reached from the keyboard and has a name", async ({ page }) => {
  await page.goto("/replay/sputnik-helsinki-2018?t=18:11");
  await page.locator(".entry").first().waitFor();
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll("button, input, select, [role=slider], a[href]")]
      .filter((element) => {
        const el = element as HTMLElement;
        const label = el.getAttribute("aria-label") ?? el.textContent?.trim() ?? "";
        const labelled = el.id && document.querySelector(`label[for="${el.id}"]`);
        const wrapped = el.closest("label");
        return !label && !labelled && !wrapped && !el.getAttribute("title");
      })
      .map((element) => element.outerHTML.slice(0, 80)),
  );
  expect(unnamed).toEqual([]);
  // Tab reaches the transport controls and the scrubber.
  const reached = new Set<string>();
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press("Tab");
    reached.add(await page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.textContent?.trim() ?? ""));
  }
  for (const name of ["Replay position", "Previous entry", "Play", "Next entry", "Copy link to this moment"]) expect(reached).toContain(name);
});

test("respects prefers-reduced-motion", async ({ browser }) => {
  const context = await browser.newContext({ reducedMotion: "reduce" });
  const page = await context.newPage();
  await page.goto("/replay/sputnik-helsinki-2018?t=18:10:50&speed=10&play=1");
  const fresh = page.locator(".entry-fresh").first();
  await fresh.waitFor({ timeout: 8000 });
  expect(await fresh.evaluate((node) => getComputedStyle(node).animationName)).toBe("none");
  await context.close();
});

test("the class session pages (console, projector, follower, a bad code) have no serious or critical violation", async ({ page, browser }) => {
  // Four full axe passes, the console's alone ~10 s on a busy two-core machine.
  test.setTimeout(75_000);
  await page.goto("/replay/sputnik-helsinki-2018?t=18:30");
  await page.getByRole("button", { name: "Start a class session" }).click();
  await page.waitForURL(/\/control$/);
  await page.getByTestId("next-entry").waitFor();
  await page.getByRole("button", { name: "Control from another device…" }).click();
  await page.getByTestId("remote").waitFor();
  expect(await seriousViolations(page)).toEqual([]);
  const code = /\/s\/([A-Z0-9]{6})\//.exec(page.url())![1]!;
  const other = await browser.newContext();
  try {
    const student = await other.newPage();
    for (const path of [`/s/${code}`, `/s/${code}/present`]) {
      await student.goto(path);
      await student.locator(".entry").first().waitFor();
      expect(await seriousViolations(student), path).toEqual([]);
    }
    await student.goto("/s/ZZZ-ZZZ");
    await student.getByTestId("session-problem").waitFor();
    expect(await seriousViolations(student)).toEqual([]);
  } finally {
    await other.close();
  }
});
