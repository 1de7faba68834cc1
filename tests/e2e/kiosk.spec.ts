/**
 * The exhibition screen (?kiosk=1) runs by itself: no controls, playing at
 * the link's speed, resting at the end and looping, and back by itself after
 * a network drop and after the server is killed and restarted (on a server of its own, own-server.ts);
 * and, having no Play, it never asks for one.
 */
import { expect, test } from "@playwright/test";
import { base, ownServer } from "./own-server";

test("a kiosk loops through the end and recovers from a server restart without a click", async ({ browser }) => {
  test.setTimeout(90_000);
  const server = await ownServer();
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  try {
    const page = await context.newPage();
    await page.goto(`${base}/replay/sputnik-helsinki-2018?kiosk=1&speed=600&t=21:10`);
    await expect(page.locator("[data-theme=projector]")).toBeVisible();
    // No controls at all: no transport, scrubber or search, even when the mouse moves.
    await page.mouse.move(400, 400);
    await expect(page.getByRole("region", { name: "Controls" })).toHaveCount(0);
    await expect(page.locator("#replay-search")).toHaveCount(0);
    await expect(page.getByRole("slider")).toHaveCount(0);
    // It plays to the end, rests there, then starts again from the beginning, by itself.
    await expect(page.getByTestId("sim-clock")).toHaveText("21:18:00", { timeout: 10_000 });
    await expect(page.getByTestId("play-state")).toHaveText("Paused · 600×");
    await expect(page.getByTestId("play-state")).toHaveText("Playing · 600×", { timeout: 15_000 });
    await expect.poll(async () => (await page.getByTestId("sim-clock").textContent())! < "15:00:00").toBe(true);

    // A network drop: it says so, and carries on once the network is back.
    await context.setOffline(true);
    await expect(page.getByTestId("offline")).toBeVisible();
    await context.setOffline(false);
    await expect(page.getByTestId("offline")).toHaveCount(0, { timeout: 20_000 });
    await expect(page.getByTestId("play-state")).toHaveText("Playing · 600×");

    await server.killAndRestart([page]);
    await expect(page.getByTestId("play-state")).toHaveText("Playing · 600×");
    // Still running: the clock moves on, the latest update featured.
    const after = (await page.getByTestId("sim-clock").textContent())!;
    await expect(page.getByTestId("sim-clock")).not.toHaveText(after);
    await expect(page.locator(".featured .entry")).toHaveCount(1);
  } finally {
    await context.close();
    await server.close();
  }
});

test("a kiosk before the first update asks no one to press Play: it has no Play", async ({ page }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto("/replay/sputnik-helsinki-2018?kiosk=1&speed=1&t=12:44");
  await expect(page.getByTestId("sim-clock")).toHaveText(/^12:44:0\d$/);
  await expect(page.getByTestId("entries")).toHaveText("Nothing published yet.");
  await expect(page.getByRole("button", { name: "Play" })).toHaveCount(0);
});
