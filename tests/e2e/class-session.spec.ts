/**
 * A class session in several browsers at once: the presenter's console, the
 * projector, and followers (one on a phone). After every presenter action
 * each screen shows the same simulated time, entries and pins.
 */
import { expect, test, type Browser, type Page } from "@playwright/test";
import { classPages } from "./class-pages";
import { PROTOCOL_VERSION } from "../../domain/protocol-version";

// Several browsers at once on two cores: give each test room.
test.describe.configure({ timeout: 90_000 });

const { open, startClass: startFrom } = classPages();

/** The teacher starts a class session from the feed, at 15:00 GMT (18:00 in Helsinki). */
async function startClass(browser: Browser): Promise<{ console: Page; code: string }> {
  const { console: page, code } = await startFrom(browser, "18:00");
  await expect(page.getByTestId("join-code")).toHaveText(`${code.slice(0, 3)}-${code.slice(3)}`);
  // Read aloud across the room: one line, not broken at its hyphen (its card is at its narrowest here).
  const lines = await page.getByTestId("join-code").evaluate((el) => el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight));
  expect(lines).toBeLessThan(1.5);
  await expect(page.getByTestId("sim-clock")).toHaveText("18:00:00");
  return { console: page, code };
}

/** Every screen shows the console's simulated time and the same entries (ids, in order). */
async function expectInStep(console: Page, screens: Page[]): Promise<string> {
  const clock = (await console.getByTestId("sim-clock").textContent())!;
  for (const screen of screens) await expect(screen.getByTestId("sim-clock")).toHaveText(clock);
  // A reader scrolled down has new entries held behind a "new updates" bar: read every list from the top.
  for (const page of [console, ...screens]) await page.evaluate(() => window.scrollTo(0, 0));
  const ids = (page: Page) => page.locator(".entry").evaluateAll((nodes) => nodes.map((node) => node.id).sort().join(" "));
  // Entries arrive with (not before) the moment they belong to: give the last message a moment to land everywhere.
  await expect.poll(async () => new Set(await Promise.all([console, ...screens].map(ids))).size).toBe(1);
  return clock;
}

test("presenter, projector and two followers (one on a phone) stay in step after every presenter action", async ({ browser }) => {
  const { console, code } = await startClass(browser);
  const projector = await open(browser, `/s/${code}/present`, { width: 1920, height: 1080 });
  const follower = await open(browser, `/s/${code}`);
  const phone = await open(browser, `/s/${code}`, { width: 390, height: 844 }, true);
  const screens = [projector, follower, phone];
  await expectInStep(console, screens);
  await expect(console.getByTestId("follower-count")).toHaveText("2 following · 1 projector");
  await expect(console.getByTestId("follower-sync")).toContainText("2 in sync · 0 reading on their own · 0 lagging"); // the projector is counted apart

  await console.getByRole("textbox", { name: "Jump to" }).fill("18:11"); // as the clock shows it
  await console.getByRole("button", { name: "Go" }).click();
  await expect(console.getByTestId("sim-clock")).toHaveText("18:11:00");
  await expect(console.getByTestId("jump-hint")).toHaveText("18:11 Helsinki = 15:11 GMT · a time without a zone is Helsinki time");
  expect(await expectInStep(console, screens)).toBe("18:11:00");

  await console.getByRole("button", { name: "Next entry" }).click();
  await expect(console.getByTestId("sim-clock")).toHaveText("18:13:00");
  await expectInStep(console, screens);

  await console.getByText(/More cards/).click();
  await console.getByRole("button", { name: /^Pin “Syria/ }).click();
  for (const page of [console, ...screens]) await expect(page.locator('aside[aria-label="Context cards"] article[data-card="syria"]')).toBeVisible();
  // Followers see the class's pins but cannot change them.
  await expect(follower.getByRole("button", { name: /^Unpin/ })).toHaveCount(0);

  // A pinned card written after this moment is locked everywhere, until the console reveals it to the class.
  const inf = (page: Page) => page.locator('aside[aria-label="Context cards"] article[data-card="inf-treaty"]');
  for (const page of screens) await expect(inf(page)).toHaveAttribute("data-locked", "true");
  await console.getByRole("button", { name: /^Reveal to the class “The INF Treaty/ }).click();
  for (const page of [console, ...screens]) await expect(inf(page)).toContainText("revealed early");

  await console.getByRole("button", { name: "600×" }).click();
  await console.getByRole("button", { name: "Play" }).click();
  await expect(projector.getByTestId("play-state")).toHaveText("Playing · 600×");
  await expect.poll(() => phone.locator(".entry").count(), { timeout: 8000 }).toBeGreaterThan(24);
  await console.getByRole("button", { name: "Pause" }).click();
  for (const page of [console, ...screens]) await expect(page.getByTestId("play-state")).toHaveText("Paused · 600×");
  await expectInStep(console, screens);

  // A student joining late starts at the class's moment, with everything published so far.
  const late = await open(browser, `/s/${code}`, { width: 390, height: 844 }, true);
  await expectInStep(console, [late]);
  await expect(late.locator('aside[aria-label="Context cards"] article[data-card="syria"]')).toBeVisible();

  // The blank key on the console blanks the projector, not the followers.
  await console.keyboard.press("b");
  await expect(projector.getByTestId("blank")).toBeVisible();
  await expect(console.getByTestId("blank-projector")).toHaveText("Show the projector again");
  await expect(follower.getByTestId("blank")).toHaveCount(0);
  await console.keyboard.press("b");
  await expect(projector.getByTestId("blank")).toHaveCount(0);
});

test("a follower reads back on their own, the console sees it, and 'Back to live' returns to the class's moment", async ({ browser }) => {
  const { console, code } = await startClass(browser);
  const follower = await open(browser, `/s/${code}`);
  await console.getByRole("textbox", { name: "Jump to" }).fill("19:00");
  await console.getByRole("button", { name: "Go" }).click();
  await expect(console.getByTestId("sim-clock")).toHaveText("19:00:00");
  await expectInStep(console, [follower]);

  await follower.getByRole("button", { name: "Previous entry" }).click();
  await expect(follower.getByTestId("follow-state")).toContainText("You are reading on your own");
  await expect(follower.getByTestId("sim-clock")).not.toHaveText("19:00:00");
  await expect(console.getByTestId("follower-sync")).toContainText("0 in sync · 1 reading on their own");
  await expect(console.getByTestId("sim-clock")).toHaveText("19:00:00"); // the class did not move

  // The class moves on meanwhile; the follower stays where they are reading.
  const reading = await follower.getByTestId("sim-clock").textContent();
  await console.getByRole("button", { name: "Next entry" }).click();
  await expect(console.getByTestId("sim-clock")).not.toHaveText("19:00:00");
  await expect(follower.getByTestId("sim-clock")).toHaveText(reading!);

  await follower.getByRole("button", { name: "Back to live" }).click();
  await expect(follower.getByTestId("follow-state")).toContainText("Following the class live");
  await expectInStep(console, [follower]);
  await expect(console.getByTestId("follower-sync")).toContainText("1 in sync · 0 reading on their own");
});

test("a follower whose network drops comes back to the right state, with nothing duplicated or missing", async ({ browser }) => {
  const { console, code } = await startClass(browser);
  const follower = await open(browser, `/s/${code}`);
  await expectInStep(console, [follower]);

  await follower.context().setOffline(true);
  await expect(follower.getByTestId("offline")).toBeVisible({ timeout: 15_000 });
  await console.getByRole("textbox", { name: "Jump to" }).fill("19:11");
  await console.getByRole("button", { name: "Go" }).click();
  await console.getByRole("button", { name: "Next entry" }).click();
  await expect(console.getByTestId("sim-clock")).not.toHaveText("19:11:00");
  await expect(follower.getByTestId("sim-clock")).toHaveText("18:00:00"); // still where it was cut off

  await follower.context().setOffline(false);
  await expect(follower.getByTestId("offline")).toHaveCount(0, { timeout: 15_000 });
  await expectInStep(console, [follower]);
  const ids = await follower.locator(".entry").evaluateAll((nodes) => nodes.map((node) => node.id));
  expect(new Set(ids).size).toBe(ids.length);
  const expected = await console.locator(".entry").evaluateAll((nodes) => nodes.map((node) => node.id));
  expect(ids).toEqual(expected);
});

test("two consoles (a laptop and a phone as a remote) send conflicting commands, and every screen converges", async ({ browser }) => {
  const { console, code } = await startClass(browser);
  await console.getByRole("button", { name: "Control from another device…" }).click();
  const link = await console.getByRole("textbox", { name: "Remote control link" }).inputValue();
  expect(link).toMatch(new RegExp(`/s/${code}/control#key=`));
  const remote = await open(browser, link.replace(/^https?:\/\/[^/]+/, ""), { width: 390, height: 844 }, true);
  await expect(remote.getByTestId("join-code")).toBeVisible();
  expect(remote.url()).not.toContain("#key="); // the key left the address bar at once
  const follower = await open(browser, `/s/${code}`);
  await expectInStep(console, [remote, follower]);
  await expect(console.getByTestId("follower-count")).toHaveText("1 following; 2 consoles");

  const laptopKeys = ["l", "k", ">", "ArrowRight", "k", "Shift+L", ">", "ArrowLeft"];
  const phoneKeys = ["ArrowRight", "j", "k", "<", "PageDown", "k", "l", "End"];
  await Promise.all([
    (async () => {
      for (const key of laptopKeys) await console.keyboard.press(key);
    })(),
    (async () => {
      for (const key of phoneKeys) await remote.keyboard.press(key);
    })(),
  ]);
  await console.keyboard.press("k");
  await expect(console.getByTestId("play-state")).toHaveText(/Paused|Playing/);
  // Settle: pause from one side, then every screen must agree exactly. Commands
  // from either console may still be on their way (a phone's End landed after
  // the console already read Paused), and one may play, pause or seek the class
  // between reading the state and clicking; so pause until the class holds
  // still, paused, for a second: longer than any command takes to land.
  const pause = console.getByRole("button", { name: "Pause" });
  const state = () => Promise.all([console.getByTestId("play-state").textContent(), console.getByTestId("sim-clock").textContent()]);
  await expect(async () => {
    if (await pause.isVisible()) await pause.click({ timeout: 1_000 });
    await expect(console.getByTestId("play-state")).toHaveText(/^Paused/, { timeout: 2_000 });
    const before = await state();
    await console.waitForTimeout(1_000);
    expect(await state()).toEqual(before);
  }).toPass({ timeout: 30_000 });
  for (const page of [console, remote, follower]) await expect(page.getByTestId("play-state")).toHaveText(/^Paused/);
  await expectInStep(console, [remote, follower]);
  const rate = await console.getByTestId("play-state").textContent();
  await expect(remote.getByTestId("play-state")).toHaveText(rate!);
  await expect(follower.getByTestId("play-state")).toHaveText(rate!);
});

test("a follower's forged control messages are refused and change nothing", async ({ browser }) => {
  const { console, code } = await startClass(browser);
  const follower = await open(browser, `/s/${code}`);
  await expectInStep(console, [follower]);
  // A student opens their own socket from the page and speaks the protocol by hand.
  const answers = await follower.evaluate(async ({ joinCode, protocol }) => {
    const ws = new WebSocket(`ws://${location.host}/socket.io/?EIO=4&transport=websocket`);
    const acks = new Map<number, unknown>();
    const waiters = new Map<number, (value: unknown) => void>();
    ws.onmessage = (event) => {
      const data = String(event.data);
      if (data === "2") return ws.send("3"); // engine.io ping
      const ack = /^43(\d+)(\[.*\])$/s.exec(data);
      if (ack) {
        const id = Number(ack[1]);
        const value = (JSON.parse(ack[2]!) as unknown[])[0];
        acks.set(id, value);
        waiters.get(id)?.(value);
      }
    };
    await new Promise((resolve) => (ws.onopen = resolve));
    ws.send(`40${JSON.stringify({ protocol })}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    let next = 0;
    const emit = (event: string, payload: unknown) =>
      new Promise<unknown>((resolve) => {
        const id = next++;
        waiters.set(id, resolve);
        ws.send(`42${id}${JSON.stringify([event, payload])}`);
      });
    const joined = (await emit("session:join", { code: joinCode })) as { ok: boolean; snapshot: { sessionId: string } };
    const sessionId = joined.snapshot.sessionId;
    return [
      await emit("session:control", { sessionId, command: { type: "play" } }),
      await emit("session:control", { sessionId, command: { type: "seek", to: 0 } }),
      await emit("session:control", { sessionId, command: { type: "pin", card: "syria", pinned: true } }),
      await emit("session:join", { sessionId, secret: "x".repeat(43) }),
      await emit("session:control", { sessionId: "00000000-0000-4000-8000-000000000000", command: { type: "play" } }),
      await emit("session:control", { sessionId, command: { type: "rate", rate: 1e9 } }),
    ];
  }, { joinCode: code, protocol: PROTOCOL_VERSION });
  expect(answers.map((answer) => (answer as { reason: string }).reason)).toEqual([
    "not_presenter",
    "not_presenter",
    "not_presenter",
    "bad_secret",
    "not_joined",
    "invalid_payload",
  ]);
  await expect(console.getByTestId("play-state")).toHaveText("Paused · 1×");
  await expect(console.getByTestId("sim-clock")).toHaveText("18:00:00");
  await expect(console.locator('aside[aria-label="Context cards"] article[data-card="syria"]')).toHaveCount(0);
});

test("'What happens next?': the class pauses just before a marked update, which only the console previews", async ({ browser }) => {
  const { console, code } = await startClass(browser);
  const projector = await open(browser, `/s/${code}/present`, { width: 1280, height: 720 });
  const next = console.getByTestId("next-entry");
  const nextTitle = (await next.locator("h3").textContent())!;
  await expect(next.locator(".entry-time")).toHaveText("18:09");
  await console.getByTestId("pause-list").getByRole("checkbox").first().check();
  await console.getByRole("button", { name: "60×" }).click();
  await console.getByRole("button", { name: "Play" }).click();
  // Playing first (the change takes effect a lead after the click), then paused by itself at the point.
  await expect(console.getByTestId("play-state")).toHaveText("Playing · 60×");
  for (const page of [console, projector]) await expect(page.getByTestId("play-state")).toHaveText("Paused · 60×", { timeout: 15_000 });
  await expect(console.getByTestId("sim-clock")).toHaveText("18:08:59");
  await expectInStep(console, [projector]);
  await expect(projector.getByText(nextTitle)).toHaveCount(0);
  await expect(next.locator("h3")).toHaveText(nextTitle);
  // "Next" reveals it to the class.
  await console.getByRole("button", { name: "Next entry" }).click();
  await expect(projector.locator(".featured")).toContainText(nextTitle);
});

test("students join with the code from the home page; unknown codes get a clear message; the teacher's sessions are listed", async ({ browser }) => {
  const { console, code } = await startClass(browser);
  const student = await open(browser, "/", { width: 390, height: 844 }, true);
  await student.getByLabel("Session code").fill(`${code.slice(0, 3).toLowerCase()} ${code.slice(3).toLowerCase()}`);
  await student.getByRole("button", { name: "Join" }).click();
  await student.waitForURL(new RegExp(`/s/${code.slice(0, 3)}-${code.slice(3)}$`));
  await expectInStep(console, [student]);

  const response = await student.goto("/s/ZZZ-ZZZ");
  expect(response!.status()).toBe(404);
  await expect(student.getByTestId("session-problem")).toHaveText(/No class session has the code ZZZ-ZZZ\..* A session ends 14 days after its last use\./);
  // A student's browser holds no presenter key: the console refuses politely.
  await student.goto(`/s/${code}/control`);
  await expect(student.locator(".notice-error")).toContainText("does not hold the presenter key");

  await console.goto("/");
  await expect(console.getByTestId("recent-sessions")).toContainText(`${code.slice(0, 3)}-${code.slice(3)}`);
  await expect(console.getByTestId("recent-sessions")).toContainText(/open until/);
  await console.getByRole("link", { name: `${code.slice(0, 3)}-${code.slice(3)}` }).click();
  await expect(console.getByTestId("join-code")).toBeVisible();
  await expect(console.getByTestId("expiry")).toContainText("14 days after its last use");
});

for (const [width, height] of [
  [1920, 1080],
  [1280, 720],
  [1024, 768],
] as const) {
  test(`the session's projector page has no overflow or overlapping text at ${width}×${height}`, async ({ browser }) => {
    const { console, code } = await startClass(browser);
    await console.getByRole("textbox", { name: "Jump to" }).fill("18:13");
    await console.getByRole("button", { name: "Go" }).click();
    const projector = await open(browser, `/s/${code}/present`, { width, height });
    await expect(projector.locator(".featured .entry")).toContainText("Putin: Talks Were Successful");
    await projector.screenshot({ path: `test-results/screenshots/session-projector-${width}x${height}.png` });
    const layout = await projector.evaluate(() => {
      const box = (selector: string) => document.querySelector(selector)!.getBoundingClientRect();
      const overlaps = (a: DOMRect, b: DOMRect) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      const join = box('[data-testid="projector-join"]');
      return {
        x: document.documentElement.scrollWidth > window.innerWidth,
        y: document.documentElement.scrollHeight > window.innerHeight,
        joinOverlaps: [".clock-main", ".clock-alt", ".featured"].filter((selector) => overlaps(join, box(selector))),
      };
    });
    expect(layout).toEqual({ x: false, y: false, joinOverlaps: [] });
    await expect(projector.getByTestId("projector-join")).toContainText(`/s/${code.slice(0, 3)}-${code.slice(3)}`);
    await expect(projector.getByLabel("Controls")).toHaveCount(0);
    if (width === 1920) {
      const size = await projector.locator(".featured .entry-body").first().evaluate((node) => parseFloat(getComputedStyle(node).fontSize));
      expect(size).toBeGreaterThanOrEqual(32);
    }
  });
}
