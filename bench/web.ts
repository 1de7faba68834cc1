/**
 * The web suite of `npm run bench`: the production server (built Next.js app
 * + socket.io) with a fresh embedded PostgreSQL, driven by Debian's Chromium.
 *
 * - First-load JS of `/` and `/replay/<feed>` above the framework's floor
 *   (`/about`, a page with no script of its own): the scripts the HTML names,
 *   from one cold navigation, each gzipped at level 9. Cross-checked against
 *   the build's manifests; lazy chunks fetched later are reported beside it.
 * - LCP and CLS from the Performance API (buffered PerformanceObservers),
 *   median over cold loads.
 * - Key press → DOM updated: capturing keydown listener to the MutationObserver
 *   callback that sees the clock's text change.
 * - Scrubbing: main-thread cost per pointermove during a drag of the thumb,
 *   on the seeded feed and on a generated 10,000-entry feed (bench/generate-feed.ts).
 * - Renders per second of each part of the view while playing at 600× through
 *   a stretch where no entry falls due (the view's own counts, ?profile=1),
 *   on the solo replay and on a class session's console.
 * (HTTP throughput of /api/feeds/<slug> is the http suite, bench/http.ts.)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import vm from "node:vm";
import zlib from "node:zlib";
import { chromium, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { generateFeed, importGeneratedFeed, writeFeedJson } from "./generate-feed";
import { CHROMIUM_ARGS, chromiumPath } from "../tests/chromium";
import { delay, median, percentile, projectRoot, startServer, summarise, type BenchContext, type BenchServer, type Result } from "./lib";

const CHROMIUM = chromiumPath();
const FEED = "sputnik-helsinki-2018";
/** ?t= without a zone is read in the event's zone, as the clock shows it: 18:11 Helsinki (15:11 GMT). */
const FEED_T = "18:11";
const FEED_CLOCK_AT_T = "18:11:00";
const BIG_SLUG = "generated-10k";
const BIG_ENTRIES = 10_000;
const BIG_SEED = 1;
/** Event zone Helsinki (UTC+3 that day), where ?t= is read: 15:00 on the clock (12:00 UTC, as before). */
const BIG_T = "15:00";
const BIG_CLOCK_AT_T = "15:00:00";
const GZIP_LEVEL = 9;
const KB = 1000;

/** The replay route's own first-load JS, above what the framework alone loads (issue 15). */
const JS_ABOVE_FLOOR_TARGET = { op: "<=", value: 25 } as const;
const LCP_TARGET = { op: "<=", value: 1000 } as const;
const CLS_TARGET = { op: "<=", value: 0.05 } as const;
const KEY_TARGET = { op: "<=", value: 16.7 } as const;
const SCRUB_TARGET = { op: "<=", value: 8 } as const;
/** Only the clock and the scrubber may render while time passes; these parts not at all. */
const NO_RENDERS = { op: "<=", value: 0 } as const;

/** 14:32 → 15:25 Helsinki (11:32 → 12:25 GMT) has no updates: 53 simulated minutes, about 5.3 s at 600×. */
const QUIET_T = "14:33";
const QUIET_CLOCK_AT_T = "14:33:00";
const QUIET_SPEED = 600;
/** Stop reading before this, so a late read never counts the update at 15:25. */
const QUIET_LAST_CLOCK = "15:22:00";
/** The view's counted parts (app/_replay/render-count.ts), with whether they may render while time passes. */
const COUNTED_PARTS: ReadonlyArray<{ id: string; mayRender: boolean }> = [
  { id: "clock", mayRender: true },
  { id: "scrubber", mayRender: true },
  { id: "entry-list", mayRender: false },
  { id: "cards", mayRender: false },
  { id: "transport", mayRender: false },
];

export async function benchWeb(context: BenchContext): Promise<Result[]> {
  const { quick, log } = context;
  const results: Result[] = [];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "relive-bench-web-"));
  fs.chmodSync(dataDir, 0o755);
  let server: BenchServer | undefined;
  let browser: Browser | undefined;
  let importing: Promise<void> | undefined;

  /** One section failing leaves a row that says so; the others still run. */
  const section = async (name: string, run: () => Promise<Result[]>) => {
    const started = performance.now();
    try {
      results.push(...(await run()));
      log(`${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    } catch (error) {
      log(`${name} failed: ${(error as Error).message.split("\n")[0]}`);
      results.push({ name, value: Number.NaN, unit: "", note: `failed: ${(error as Error).message.split("\n")[0]}` });
    }
  };

  try {
    // The server's embedded PostgreSQL lives in our dataDir, so the import CLI can attach to it.
    server = await startServer({ env: { RELIVE_DATA_DIR: dataDir } });
    log(`server ready in ${(server.readyMs / 1000).toFixed(1)} s at ${server.url}`);
    const url = server.url;

    // The 10,000-entry feed is imported in the background while first-load JS (byte counts) is measured.
    importing = (async () => {
      const started = performance.now();
      const feed = generateFeed({ entries: BIG_ENTRIES, seed: BIG_SEED, slug: BIG_SLUG });
      // The JSON feed file; scripts/import.ts reads it when the format allows the size (see generate-feed.ts).
      const file = path.join(dataDir, `${BIG_SLUG}.json`);
      writeFeedJson(feed, file);
      const output = await importGeneratedFeed({ file, entries: BIG_ENTRIES, seed: BIG_SEED, slug: BIG_SLUG, env: { RELIVE_DATA_DIR: dataDir, DATABASE_URL: "" } });
      log(`${output.split("\n").at(-1)} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    })();
    importing.catch(() => undefined); // awaited below

    const replayPath = `/replay/${FEED}`;
    const replayAtT = `${replayPath}?t=${FEED_T}`;
    // The server loads each route's code on its first request: warm both once, so the figures are the browser's.
    for (const pathname of ["/", replayAtT, `/api/feeds/${FEED}`]) await (await fetch(url + pathname)).arrayBuffer();

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 30_000 });
    const b = browser;

    await section("first-load JS", async () =>
      firstLoadJs(b, url, [
        { pathname: "/", route: "page" },
        { pathname: replayPath, route: "replay/[slug]/page", target: JS_ABOVE_FLOOR_TARGET },
      ]),
    );

    let bigImported = false;
    await section(`import ${BIG_SLUG}`, async () => {
      await importing;
      bigImported = true;
      return [];
    });
    const entryCounts = await feedEntryCounts(url);

    const loads = quick ? 3 : 5;
    const settleMs = quick ? 300 : 500;
    await section("LCP/CLS /", async () => webVitals(b, url, "/", loads, settleMs, log));
    await section(`LCP/CLS ${replayAtT}`, async () => webVitals(b, url, replayAtT, loads, settleMs, log));

    await section("key press → DOM updated", async () => keyPress(b, url, replayAtT, quick ? 15 : 30));

    const drags = quick ? 1 : 3;
    await section(`scrub ${FEED}`, async () =>
      scrubbing(b, url, {
        pathname: replayAtT,
        clockAtLoad: FEED_CLOCK_AT_T,
        label: `${FEED}, ${entryCounts.get(FEED) ?? "?"} entries`,
        toFractions: [0.05, 0.95],
        drags,
        budgetMs: quick ? 8_000 : 30_000,
        minMoves: 20,
        idleMs: quick ? 1000 : 2000,
        log,
      }),
    );
    if (bigImported) {
      await section(`scrub ${BIG_SLUG}`, async () =>
        scrubbing(b, url, {
          pathname: `/replay/${BIG_SLUG}?t=${BIG_T}`,
          clockAtLoad: BIG_CLOCK_AT_T,
          label: `${BIG_SLUG}, ${entryCounts.get(BIG_SLUG) ?? "?"} entries`,
          toFractions: [0.95, 0.05],
          drags,
          budgetMs: quick ? 2_000 : 45_000,
          minMoves: 6,
          idleMs: quick ? 2000 : 4000,
          log,
        }),
      );
    }

    const quietPath = `${replayPath}?t=${QUIET_T}&speed=${QUIET_SPEED}`;
    const playSeconds = quick ? 3 : 4;
    await section("renders while playing (solo)", async () =>
      rendersWhilePlaying(b, url, {
        where: "solo replay",
        open: async (page) => {
          await page.goto(`${url}${quietPath}&profile=1`, { waitUntil: "load", timeout: 30_000 });
        },
        parts: COUNTED_PARTS,
        playSeconds,
        log,
      }),
    );
    await section("renders while playing (console)", async () =>
      rendersWhilePlaying(b, url, {
        where: "class console",
        // As a teacher does: the solo replay at that moment and speed, "Start a class session", then the
        // console opened again with ?profile=1 (the button navigates to its address without it).
        open: async (page) => {
          await page.goto(url + quietPath, { waitUntil: "load", timeout: 30_000 });
          await waitForReplay(page, QUIET_CLOCK_AT_T, 15_000);
          await page.getByRole("button", { name: "Start a class session" }).click();
          await page.waitForURL(/\/s\/[A-Z0-9]{6}\/control$/, { timeout: 15_000 });
          await page.goto(`${page.url()}?profile=1`, { waitUntil: "load", timeout: 30_000 });
        },
        parts: [...COUNTED_PARTS, { id: "console", mayRender: false }],
        playSeconds,
        log,
      }),
    );

    await browser.close();
    browser = undefined;
  } finally {
    await browser?.close().catch(() => undefined);
    await importing?.catch(() => undefined); // never stop the database under a running import
    await server?.stop().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return results;
}

// -------------------------------------------------------------------------------------------------
// First-load JS

/**
 * Our measuring code runs in the page (init scripts, string predicates), which
 * the app's Content-Security-Policy rightly forbids; the browser lets it
 * through for the bench only. The page's own scripts load as for anyone.
 */
const MEASURING = { bypassCSP: true } as const;

interface ScriptLoad {
  /** gzipped kB of the scripts the HTML itself names: what must arrive before the page hydrates. */
  firstLoad: number;
  /** gzipped kB of every script fetched until the network went quiet (lazy parts included). */
  all: number;
  files: number;
  rawKb: number;
  inlineKb: number;
  /** The same first-load set read off the build's manifests, for a cross-check. */
  build: { gzip: number; files: string[] } | undefined;
}

/**
 * One cold navigation (fresh browser context): every script response, each
 * body gzipped at level 9. "First load" is the scripts named by the HTML's own
 * <script src> tags; chunks that code asks for later are counted in `all`.
 */
async function scriptLoad(browser: Browser, url: string, pathname: string, route: string): Promise<ScriptLoad> {
  const context = await browser.newContext(MEASURING);
  try {
    const page = await context.newPage();
    const bodies = new Map<string, Promise<Buffer | undefined>>();
    page.on("response", (response) => {
      if (response.request().resourceType() !== "script" || bodies.has(response.url())) return;
      bodies.set(response.url(), response.body().catch(() => undefined));
    });
    const response = await page.goto(url + pathname, { waitUntil: "networkidle", timeout: 30_000 });
    const html = (await response?.text()) ?? "";
    const named = new Set([...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((match) => new URL(match[1]!.replaceAll("&amp;", "&"), url).href));
    let firstLoad = 0;
    let all = 0;
    let raw = 0;
    for (const [scriptUrl, pending] of bodies) {
      const body = await pending;
      if (!body) throw new Error(`the body of ${scriptUrl} could not be read`);
      const gzip = zlib.gzipSync(body, { level: GZIP_LEVEL }).length;
      all += gzip;
      raw += body.length;
      if (named.has(scriptUrl)) firstLoad += gzip;
    }
    const inline = Number(await page.evaluate(`[...document.querySelectorAll("script:not([src])")].reduce((n, s) => n + s.textContent.length, 0)`));
    return { firstLoad: firstLoad / KB, all: all / KB, files: bodies.size, rawKb: raw / KB, inlineKb: inline / KB, build: buildFirstLoadJs(route) };
  } finally {
    await context.close();
  }
}

/**
 * First-load JS above the framework's floor: the floor is /about, a page with
 * no script of its own in the same build, so what it loads is what every
 * route pays (React, Next's runtime, the root layout).
 */
async function firstLoadJs(browser: Browser, url: string, routes: ReadonlyArray<{ pathname: string; route: string; target?: Result["target"] }>): Promise<Result[]> {
  const floor = await scriptLoad(browser, url, "/about", "about/page");
  const describe = (load: ScriptLoad) => {
    const notes = [`${load.files} scripts fetched before the network went quiet (${load.rawKb.toFixed(0)} kB raw, ${load.all.toFixed(1)} kB gzipped)`];
    if (load.build) notes.push(`the build manifests name ${(load.build.gzip / KB).toFixed(1)} kB in ${load.build.files.length} files`);
    notes.push(`inline scripts (RSC payload) not counted: ${load.inlineKb.toFixed(0)} kB raw`);
    return notes.join("; ");
  };
  const results: Result[] = [
    {
      name: "first-load JS, framework floor (/about, gzip)",
      value: floor.firstLoad,
      unit: "kB",
      note: `the scripts the HTML names, each gzipped at level ${GZIP_LEVEL}, kB = 1000 B; ${describe(floor)}`,
    },
  ];
  for (const { pathname, route, target } of routes) {
    const load = await scriptLoad(browser, url, pathname, route);
    results.push({
      name: `first-load JS above the floor, ${pathname} (gzip)`,
      value: load.firstLoad - floor.firstLoad,
      unit: "kB",
      ...(target ? { target } : {}),
      note: `${load.firstLoad.toFixed(1)} kB − floor ${floor.firstLoad.toFixed(1)} kB; all JS by network idle ${(load.all - floor.all).toFixed(1)} kB above the floor's; ${describe(load)}`,
    });
  }
  return results;
}

/**
 * The same first-load set from the build: the root main files plus the
 * route's and the layout's entry chunks from its client-reference manifest.
 */
function buildFirstLoadJs(route: string): { gzip: number; files: string[] } | undefined {
  try {
    const nextDir = path.join(projectRoot, ".next");
    const buildManifest = JSON.parse(fs.readFileSync(path.join(nextDir, "build-manifest.json"), "utf8")) as { rootMainFiles?: string[] };
    const manifestFile = path.join(nextDir, "server/app", `${route}_client-reference-manifest.js`);
    const entry: Record<string, string[]> = {};
    if (fs.existsSync(manifestFile)) {
      const sandbox: { globalThis?: unknown; __RSC_MANIFEST?: Record<string, { entryJSFiles?: Record<string, string[]> }> } = {};
      sandbox.globalThis = sandbox;
      vm.runInNewContext(fs.readFileSync(manifestFile, "utf8"), sandbox, { timeout: 1000 });
      Object.assign(entry, Object.values(sandbox.__RSC_MANIFEST ?? {})[0]?.entryJSFiles ?? {});
    }
    const wanted = (key: string) => key === "[project]/app/layout" || key === `[project]/app/${route}`;
    const files = [...new Set([...(buildManifest.rootMainFiles ?? []), ...Object.entries(entry).flatMap(([key, list]) => (wanted(key) ? list : []))])];
    let gzip = 0;
    for (const file of files) gzip += zlib.gzipSync(fs.readFileSync(path.join(nextDir, file)), { level: GZIP_LEVEL }).length;
    return { gzip, files };
  } catch {
    return undefined;
  }
}

// -------------------------------------------------------------------------------------------------
// LCP and CLS

interface Vitals {
  lcp: number | null;
  lcpElement: string;
  cls: number;
  shifts: number;
  /** The element that moved most in the worst window (by summed shift value), or "". */
  shifted: string;
}

/** Reads the buffered entries; CLS is the largest session window (gap < 1 s, span ≤ 5 s), as web-vitals does. */
const READ_VITALS = `new Promise((resolve) => {
  let lcp = null, lcpElement = "";
  const shifts = [];
  const describe = (el) => !el ? "" : el.tagName.toLowerCase() + (typeof el.className === "string" && el.className.trim() ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  const lcpObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) { lcp = e.renderTime || e.loadTime || e.startTime; lcpElement = describe(e.element) || e.url || "?"; }
  });
  lcpObserver.observe({ type: "largest-contentful-paint", buffered: true });
  const clsObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) shifts.push([e.startTime, e.value, (e.sources || []).map((x) => describe(x.node)).filter(Boolean)]);
  });
  clsObserver.observe({ type: "layout-shift", buffered: true });
  setTimeout(() => {
    lcpObserver.disconnect(); clsObserver.disconnect();
    let best = 0, current = 0, first = 0, previous = 0, win = new Map(), worst = new Map();
    for (const [t, v, nodes] of shifts) {
      if (current > 0 && t - previous < 1000 && t - first < 5000) current += v; else { current = v; first = t; win = new Map(); }
      for (const node of nodes) win.set(node, (win.get(node) || 0) + v);
      previous = t;
      if (current > best) { best = current; worst = new Map(win); }
    }
    const shifted = [...worst].sort((a, b) => b[1] - a[1])[0]?.[0] || "";
    resolve({ lcp, lcpElement, cls: best, shifts: shifts.length, shifted });
  }, 150);
})`;

async function webVitals(browser: Browser, url: string, pathname: string, loads: number, settleMs: number, log: (line: string) => void): Promise<Result[]> {
  const lcps: number[] = [];
  const clss: number[] = [];
  const elements = new Map<string, number>();
  const shifted = new Map<string, number>();
  for (let i = 0; i < loads; i++) {
    const context = await browser.newContext(MEASURING);
    try {
      const page = await context.newPage();
      await page.goto(url + pathname, { waitUntil: "load", timeout: 30_000 });
      if (pathname.startsWith("/replay/")) await waitForReplay(page, undefined, 15_000);
      // Let late shifts (the scrubber arriving with the session, entries appearing) happen.
      await delay(settleMs);
      const vitals = (await page.evaluate(READ_VITALS)) as Vitals;
      if (vitals.lcp === null) throw new Error(`no largest-contentful-paint entry for ${pathname}`);
      lcps.push(vitals.lcp);
      clss.push(vitals.cls);
      elements.set(vitals.lcpElement, (elements.get(vitals.lcpElement) ?? 0) + 1);
      if (vitals.shifted) shifted.set(vitals.shifted, (shifted.get(vitals.shifted) ?? 0) + 1);
    } finally {
      await context.close();
    }
  }
  const lcp = summarise(lcps, 0);
  const cls = summarise(clss, 3);
  const element = [...elements].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "?";
  const mover = [...shifted].sort((a, b) => b[1] - a[1])[0]?.[0];
  log(`${pathname}: LCP ${lcp.value.toFixed(0)} ms (${element}), CLS ${cls.value.toFixed(3)}`);
  return [
    { name: `LCP ${pathname}`, value: lcp.value, unit: "ms", target: LCP_TARGET, spread: lcp.spread, note: `cold loads, fresh context each; LCP element ${element}` },
    { name: `CLS ${pathname}`, value: cls.value, unit: "", target: CLS_TARGET, spread: cls.spread, note: `largest session window, shifts without recent input${mover ? `; most-shifted element ${mover}` : ""}` },
  ];
}

/** The replay page is ready when its clock shows a time and the scrubber is there. */
async function waitForReplay(page: Page, clock: string | undefined, timeout: number): Promise<void> {
  const clockLocator = page.getByTestId("sim-clock");
  if (clock !== undefined) {
    await clockLocator.filter({ hasText: clock }).waitFor({ timeout });
  } else {
    await page.waitForFunction(`(document.querySelector("[data-testid=sim-clock]")?.textContent ?? "--").match(/^\\d\\d:\\d\\d:\\d\\d$/) !== null`, undefined, { timeout });
  }
  await page.getByRole("slider", { name: "Replay position" }).waitFor({ timeout });
}

// -------------------------------------------------------------------------------------------------
// Key press → DOM updated

/** Before any page script: note when each WebSocket message arrives (to split out the socket round trip). */
const WATCH_SOCKET = `(() => {
  const Original = window.WebSocket;
  window.__benchSocketIn = [];
  window.WebSocket = class extends Original {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", () => { const s = window.__benchSocketIn; s.push(performance.now()); if (s.length > 1000) s.splice(0, 500); });
    }
  };
})();`;

const WATCH_CLOCK = `(() => {
  const el = document.querySelector("[data-testid=sim-clock]");
  const s = { down: null, samples: [], socket: [] };
  window.__benchKey = s;
  addEventListener("keydown", () => { s.down = performance.now(); }, true);
  let last = el.textContent;
  new MutationObserver(() => {
    const now = performance.now();
    const text = el.textContent;
    if (text === last) return;
    last = text;
    if (s.down === null) return;
    const arrived = window.__benchSocketIn.find((t) => t >= s.down);
    s.samples.push(now - s.down);
    s.socket.push(arrived === undefined ? NaN : arrived - s.down);
    s.down = null;
  }).observe(el, { characterData: true, childList: true, subtree: true });
})()`;

async function keyPress(browser: Browser, url: string, pathname: string, presses: number): Promise<Result[]> {
  const context = await browser.newContext(MEASURING);
  try {
    await context.addInitScript({ content: WATCH_SOCKET });
    const page = await context.newPage();
    await page.goto(url + pathname, { waitUntil: "load", timeout: 30_000 });
    await waitForReplay(page, FEED_CLOCK_AT_T, 15_000);
    await delay(200);
    await page.evaluate(WATCH_CLOCK);
    for (let i = 0; i < presses; i++) {
      await page.keyboard.press("l");
      await page.waitForFunction(`window.__benchKey.samples.length > ${i}`, undefined, { timeout: 5000 });
      await delay(30);
    }
    const { samples, socket } = (await page.evaluate("window.__benchKey")) as { samples: number[]; socket: Array<number | null> };
    const clock = (await page.getByTestId("sim-clock").textContent()) ?? "";
    const expected = addMinutes(FEED_CLOCK_AT_T, presses);
    const roundTrip = median(socket.filter((v): v is number => typeof v === "number" && Number.isFinite(v)));
    const p50 = median(samples);
    const p95 = percentile(samples, 95);
    const note =
      `${samples.length} presses of "l" (+1 simulated minute) at ?t=${FEED_T}; capturing keydown → MutationObserver on the clock's text. ` +
      `A solo session applies the command to its local clock at once (the server's answer, median ${Number.isFinite(roundTrip) ? roundTrip.toFixed(1) : "n/a"} ms ` +
      `when one arrived before the DOM changed, confirms it later), so this is the key map and the render the command causes in the keydown's task` +
      (clock === expected ? "" : `. Clock ended at ${clock}, expected ${expected}`);
    return [
      { name: "key press → DOM updated, median", value: p50, unit: "ms", target: KEY_TARGET, spread: `${Math.min(...samples).toFixed(1)}–${Math.max(...samples).toFixed(1)} over ${samples.length}`, note },
      { name: "key press → DOM updated, p95", value: p95, unit: "ms", target: KEY_TARGET },
    ];
  } finally {
    await context.close();
  }
}

function addMinutes(clock: string, minutes: number): string {
  const [h, m, s] = clock.split(":").map(Number) as [number, number, number];
  const total = (h * 60 + m + minutes) % (24 * 60);
  return `${String(Math.floor(total / 60)).padStart(2, "0")}:${String(total % 60).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
}

// -------------------------------------------------------------------------------------------------
// Scrubbing

/**
 * Per pointermove while a button is down: from a capturing listener on window
 * (before React's handler) to the MutationObserver callback that sees the
 * thumb's aria-valuenow change, after forcing style and layout there. So it
 * covers React's event handler, the render and commit the move causes
 * (scheduled in a later task for continuous events), and style + layout;
 * not paint. A move that renders nothing is superseded by the next one.
 */
const WATCH_SCRUB = `(() => {
  const thumb = document.querySelector('[role=slider][aria-label="Replay position"]');
  const s = { pending: null, samples: [], superseded: 0, moves: 0 };
  window.__benchScrub = s;
  addEventListener("pointermove", (e) => { if (!e.buttons) return; s.moves++; if (s.pending !== null) s.superseded++; s.pending = performance.now(); }, true);
  addEventListener("pointerup", () => { s.pending = null; }, true);
  new MutationObserver(() => {
    if (s.pending === null) return;
    thumb.getBoundingClientRect();
    s.samples.push(performance.now() - s.pending);
    s.pending = null;
  }).observe(thumb, { attributes: true, attributeFilter: ["aria-valuenow"] });
})()`;

interface ScrubOptions {
  pathname: string;
  clockAtLoad: string;
  label: string;
  /** Where each drag ends, as a fraction of the track; drags alternate through the list. */
  toFractions: number[];
  drags: number;
  /** Wall time for all drags together; a drag stops early when it runs out (a slow page takes seconds per move)... */
  budgetMs: number;
  /** ...but not before this many moves (the first one also fetches the whole feed). */
  minMoves: number;
  /** The longest wait for the loaded page to go quiet, while measuring its idle CPU to subtract. */
  idleMs: number;
  log: (line: string) => void;
}

const STEPS = 100;
/** A page that takes longer than this to take one mouse event is reported, not waited for. */
const MOVE_TIMEOUT_MS = 30_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function scrubbing(browser: Browser, url: string, options: ScrubOptions): Promise<Result[]> {
  const context: BrowserContext = await browser.newContext(MEASURING);
  try {
    const page = await context.newPage();
    const loadStarted = performance.now();
    await page.goto(url + options.pathname, { waitUntil: "load", timeout: 60_000 });
    await waitForReplay(page, options.clockAtLoad, 60_000);
    const loadMs = performance.now() - loadStarted;

    // Main-thread CPU time from Chromium itself (thread time, so other processes on the machine do not inflate it).
    const cdp = await context.newCDPSession(page);
    await cdp.send("Performance.enable", { timeDomain: "threadTicks" });
    const taskSeconds = async () => {
      const { metrics } = await cdp.send("Performance.getMetrics");
      return metrics.find((metric) => metric.name === "TaskDuration")?.value ?? Number.NaN;
    };
    // The idle page's own CPU (the clock's animation frames), to subtract: the quietest 250 ms slice,
    // waiting up to idleMs for the page to settle after loading.
    let idleRate = Number.POSITIVE_INFINITY; // s of CPU per wall ms
    for (let slice = 0; slice < Math.max(2, Math.round(options.idleMs / 250)); slice++) {
      const before = await taskSeconds();
      const sliceStart = performance.now();
      await delay(250);
      idleRate = Math.min(idleRate, ((await taskSeconds()) - before) / (performance.now() - sliceStart));
      if (slice >= 1 && idleRate * 1000 < 0.05) break;
    }
    if (!Number.isFinite(idleRate)) idleRate = 0;
    await page.evaluate(WATCH_SCRUB);

    const slider = page.getByRole("slider", { name: "Replay position" });
    const track = page.getByTestId("scrubber");
    let busySeconds = 0;
    let dragWallMs = 0;
    let moves = 0;
    let cutShort = false;
    let dragsDone = 0;
    const deadline = performance.now() + options.budgetMs;
    for (let drag = 0; drag < options.drags && !cutShort && (drag === 0 || performance.now() < deadline); drag++) {
      const thumb = await slider.boundingBox();
      const rail = await track.boundingBox();
      if (!thumb || !rail) throw new Error("the scrubber is not on screen");
      const x0 = thumb.x + thumb.width / 2;
      const y = thumb.y + thumb.height / 2;
      const x1 = rail.x + rail.width * options.toFractions[drag % options.toFractions.length]!;
      await withTimeout(page.mouse.move(x0, y), MOVE_TIMEOUT_MS, "mouse move");
      await withTimeout(page.mouse.down(), MOVE_TIMEOUT_MS, "mouse down");
      dragsDone++;
      const before = await taskSeconds();
      const started = performance.now();
      for (let step = 1; step <= STEPS; step++) {
        if (moves >= options.minMoves && performance.now() > deadline) {
          cutShort = true;
          break;
        }
        await withTimeout(page.mouse.move(x0 + ((x1 - x0) * step) / STEPS, y), MOVE_TIMEOUT_MS, "mouse move");
        moves++;
      }
      // Let the last move's render land before reading the counters.
      await page.waitForFunction("window.__benchScrub.pending === null", undefined, { timeout: 10_000, polling: 16 }).catch(() => undefined);
      const wall = performance.now() - started;
      busySeconds += (await taskSeconds()) - before - idleRate * wall;
      dragWallMs += wall;
      await withTimeout(page.mouse.up(), MOVE_TIMEOUT_MS, "mouse up");
      if (drag + 1 < options.drags) await delay(400); // the seek on release, and its render
    }
    const s = (await page.evaluate("window.__benchScrub")) as { samples: number[]; superseded: number; moves: number };
    if (s.samples.length === 0) throw new Error("no pointermove produced a render");
    const p50 = median(s.samples);
    const p95 = percentile(s.samples, 95);
    const cpuPerMove = (busySeconds * 1000) / moves;
    options.log(`scrub ${options.label}: median ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, CPU ${cpuPerMove.toFixed(1)} ms/move (page ready in ${(loadMs / 1000).toFixed(1)} s)`);
    const note =
      `${dragsDone} drag${dragsDone === 1 ? "" : "s"} of ${STEPS} page.mouse.move steps from the thumb` +
      (cutShort ? ` (stopped after ${moves} moves: the ${options.budgetMs / 1000} s time budget ran out)` : "") +
      `, ${s.samples.length} renders measured` +
      (s.superseded > 0 ? ` (${s.superseded} moves superseded before rendering)` : "") +
      `; capturing pointermove → MutationObserver on the thumb's aria-valuenow, after a forced style+layout (handler, React render and commit, style, layout; not paint)` +
      `; main-thread CPU per move from Chromium (Performance.getMetrics TaskDuration, thread time, idle page's ${(idleRate * 100_000).toFixed(1)} % subtracted, includes paint and the first drag's fetch of the whole feed): ${cpuPerMove.toFixed(1)} ms` +
      `; ${(dragWallMs / moves).toFixed(1)} ms wall per step; page ready in ${(loadMs / 1000).toFixed(1)} s`;
    return [
      { name: `scrub cost per drag event, median (${options.label})`, value: p50, unit: "ms", target: SCRUB_TARGET, spread: `${Math.min(...s.samples).toFixed(1)}–${Math.max(...s.samples).toFixed(1)} over ${s.samples.length}`, note },
      { name: `scrub cost per drag event, p95 (${options.label})`, value: p95, unit: "ms", target: SCRUB_TARGET },
    ];
  } finally {
    await context.close();
  }
}

// -------------------------------------------------------------------------------------------------
// Renders while playing

interface RenderOptions {
  /** "solo replay", "class console": names the rows. */
  where: string;
  /** Opens the page, with ?profile=1, at QUIET_T and QUIET_SPEED, paused. */
  open: (page: Page) => Promise<void>;
  parts: ReadonlyArray<{ id: string; mayRender: boolean }>;
  /** Wall seconds of play to count over (the quiet stretch lasts about 5.3 s at 600×). */
  playSeconds: number;
  log: (line: string) => void;
}

interface RenderReading {
  counts: Record<string, number>;
  /** performance.now() in the page, at the same moment as the counts. */
  at: number;
  clock: string;
  entries: number;
}

/** The view's commit counts, the clock and the entries listed, read in one task. */
const READ_RENDERS = `({
  counts: { ...(window.__reliveRenders ?? {}) },
  at: performance.now(),
  clock: document.querySelector("[data-testid=sim-clock]")?.textContent ?? "",
  entries: document.querySelectorAll(".entry").length,
})`;

/**
 * Plays at 600× from 14:33 Helsinki, where no entry falls due until 15:25,
 * and divides each part's commits (the view's own counts, ?profile=1: React's
 * Profiler reports nothing in a production build) by the seconds between two
 * readings. Reads every 250 ms and stops at playSeconds or before the stretch ends.
 */
async function rendersWhilePlaying(browser: Browser, url: string, options: RenderOptions): Promise<Result[]> {
  const context = await browser.newContext(MEASURING);
  try {
    const page = await context.newPage();
    await options.open(page);
    await waitForReplay(page, QUIET_CLOCK_AT_T, 30_000);
    if (!(await page.evaluate("window.__reliveRenders !== undefined"))) throw new Error("the page does not count its renders (?profile=1)");
    await delay(300); // let the opening renders settle
    await page.keyboard.press("k");
    await page.waitForFunction(`document.querySelector("[data-testid=sim-clock]")?.textContent !== ${JSON.stringify(QUIET_CLOCK_AT_T)}`, undefined, { timeout: 10_000, polling: 16 });
    const before = (await page.evaluate(READ_RENDERS)) as RenderReading;
    let after = before;
    for (;;) {
      await delay(250);
      const now = (await page.evaluate(READ_RENDERS)) as RenderReading;
      if (now.clock >= QUIET_LAST_CLOCK) break;
      after = now;
      if (now.at - before.at >= options.playSeconds * 1000) break;
    }
    await page.keyboard.press("k");
    const seconds = (after.at - before.at) / 1000;
    if (seconds < 0.5) throw new Error(`only ${seconds.toFixed(2)} s of play could be read inside the quiet stretch (clock ${before.clock} → ${after.clock})`);
    const simMinutes = (clockSeconds(after.clock) - clockSeconds(before.clock)) / 60;
    const note =
      `${seconds.toFixed(2)} s of play at ${QUIET_SPEED}× (clock ${before.clock} → ${after.clock}, ${simMinutes.toFixed(0)} simulated minutes, no update due until 15:25)` +
      `; commits counted by the view (?profile=1, a useEffect per counted component), difference ÷ seconds` +
      (after.entries === before.entries ? "" : `; the entries listed changed (${before.entries} → ${after.entries}), so something fell due`);
    const rows: Result[] = [];
    const line: string[] = [];
    for (const part of options.parts) {
      const rate = ((after.counts[part.id] ?? 0) - (before.counts[part.id] ?? 0)) / seconds;
      line.push(`${part.id} ${rate.toFixed(1)}`);
      rows.push({
        name: `renders/s playing ${QUIET_SPEED}× with nothing due, ${part.id} (${options.where})`,
        value: rate,
        unit: "/s",
        ...(part.mayRender ? {} : { target: NO_RENDERS }),
        note: [rows.length === 0 ? note : "", part.mayRender ? "may render: time passing moves it" : ""].filter(Boolean).join("; ") || undefined,
      });
    }
    options.log(`renders/s at ${QUIET_SPEED}× (${options.where}): ${line.join(", ")} over ${seconds.toFixed(1)} s`);
    return rows;
  } finally {
    await context.close();
  }
}

function clockSeconds(clock: string): number {
  const [h, m, s] = clock.split(":").map(Number) as [number, number, number];
  return h * 3600 + m * 60 + s;
}

async function feedEntryCounts(url: string): Promise<Map<string, number>> {
  try {
    const response = await fetch(`${url}/api/feeds`);
    const body = (await response.json()) as { feeds: Array<{ slug: string; entryCount: number }> };
    return new Map(body.feeds.map((feed) => [feed.slug, feed.entryCount]));
  } catch {
    return new Map();
  }
}
