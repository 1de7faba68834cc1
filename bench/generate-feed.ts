/**
 * A large synthetic live blog for the web benchmark: by default 10,000
 * updates over one day, deterministic for a given seed (same seed, same
 * bytes). Updates come in bursts, as on a busy live blog; about one in ten is
 * a photo and one in forty a video. The page runs newest first, like a real
 * one, so the feed has no out-of-order notes.
 *
 *   node --import tsx bench/generate-feed.ts [--entries 10000] [--seed 1] [--slug generated-10k] [--out feed.json] [--import]
 *
 * `--out` writes the JSON feed format (docs/FEED-FORMAT.md, `toLiveBlogJson`).
 * `--import` writes the feed into the database of a running server (already
 * migrated by it): the one whose embedded PostgreSQL lives in
 * $RELIVE_DATA_DIR, or $DATABASE_URL.
 * Up to 5,000 updates that is exactly `scripts/import.ts <file>`; the import
 * formats refuse more (FEED_LIMITS.maxEntries), so a bigger feed goes through
 * the same importer (`importItems`) without the file-format cap.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { DateTime } from "luxon";
import {
  FEED_LIMITS,
  assignEntryKeys,
  coverageOf,
  entryKeyBase,
  findOutOfOrderNotes,
  type EntryKind,
  type ImportedEntry,
  type ImportedFeed,
} from "../domain/feed-model";
import { toLiveBlogJson } from "../domain/import/json-feed";

export interface GenerateOptions {
  entries?: number;
  seed?: number;
  slug?: string;
  /** yyyy-MM-dd, in publishedZone. */
  eventDate?: string;
  publishedZone?: string;
  eventZone?: string;
}

/** mulberry32: a small, fast, seedable PRNG with a 2^32 period (plenty here). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SUBJECTS = [
  "Delegates", "The minister", "Organisers", "Police", "Rescue teams", "The committee", "Our correspondent", "Witnesses",
  "The spokesperson", "Negotiators", "Fans", "Officials", "The mayor", "Analysts", "Residents", "The federation",
];
const VERBS = [
  "confirmed", "denied", "announced", "reported", "expected", "welcomed", "questioned", "postponed", "discussed", "rejected", "published", "prepared",
];
const OBJECTS = [
  "a new timetable", "the final statement", "further talks", "the opening ceremony", "road closures", "the results",
  "a joint declaration", "extra security", "the second round", "an emergency session", "the press conference", "a short delay",
];
const PLACES = ["in the capital", "at the venue", "near the harbour", "outside parliament", "at the airport", "in the old town", "on the main square"];
const FILLER = [
  "More details are expected shortly.", "We will bring you updates as they come in.", "The situation remains calm.",
  "Crowds have been gathering since the morning.", "This has not been independently verified.", "Traffic is heavy in the centre.",
];

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

function sentence(random: () => number): string {
  const words = `${pick(random, SUBJECTS)} ${pick(random, VERBS)} ${pick(random, OBJECTS)} ${pick(random, PLACES)}`;
  return random() < 0.4 ? `${words}. ${pick(random, FILLER)}` : `${words}.`;
}

/**
 * Publication times over one day (00:00–23:59:59 in publishedZone), bursty: the
 * day is split into 96 quarter-hours with random weights (a few hot ones), and
 * each update lands in a quarter-hour drawn by weight, at a random second.
 */
function publicationTimes(random: () => number, count: number, dayStart: number): number[] {
  const slots = 96;
  const slotMs = 15 * 60_000;
  const weights = Array.from({ length: slots }, () => (random() < 0.1 ? 6 + random() * 10 : 0.3 + random()));
  const cumulative: number[] = [];
  let sum = 0;
  for (const weight of weights) cumulative.push((sum += weight));
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const target = random() * sum;
    let lo = 0;
    let hi = slots - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    times.push(dayStart + lo * slotMs + Math.floor(random() * (slotMs / 1000)) * 1000);
  }
  return times.sort((a, b) => a - b);
}

export function generateFeed(options: GenerateOptions = {}): ImportedFeed {
  const count = options.entries ?? 10_000;
  const seed = options.seed ?? 1;
  const slug = options.slug ?? "generated-10k";
  const eventDate = options.eventDate ?? "2024-06-21";
  const publishedZone = options.publishedZone ?? "UTC";
  const eventZone = options.eventZone ?? "Europe/Helsinki";
  if (!Number.isInteger(count) || count < 1) throw new Error(`entries must be a positive integer, not ${count}`);

  const random = prng(seed);
  const dayStart = DateTime.fromISO(eventDate, { zone: publishedZone }).startOf("day").toMillis();
  const times = publicationTimes(random, count, dayStart);

  // Replay order (oldest first) → page order (newest first): position = count − 1 − i.
  const drafts = times.map((at, i) => {
    const roll = random();
    const kind: EntryKind = roll < 0.025 ? "video" : roll < 0.125 ? "photo" : "text";
    const title = `${i + 1}: ${sentence(random).replace(/\..*$/, "")}`;
    const paragraphs = Array.from({ length: 1 + Math.floor(random() * 3) }, () => sentence(random));
    const publishedAt = new Date(at).toISOString();
    return {
      hhmm: DateTime.fromMillis(at, { zone: publishedZone }).toFormat("HHmm"),
      entry: {
        publishedAt,
        pagePosition: count - 1 - i,
        kind,
        title,
        body: paragraphs.join("\n\n"),
        photoCaption: kind === "photo" ? `${pick(random, SUBJECTS)} ${pick(random, PLACES)}` : null,
        photoCredit: kind === "photo" ? "© Relive bench" : null,
        videoTitle: kind === "video" ? title : null,
      },
    };
  });
  drafts.sort((a, b) => a.entry.pagePosition - b.entry.pagePosition);
  const keys = assignEntryKeys(drafts.map((d) => entryKeyBase(d.hhmm, d.entry.title)));
  const entries: ImportedEntry[] = drafts.map((d, i) => ({ key: keys[i]!, ...d.entry }));

  return {
    slug,
    title: `Generated live blog: ${count.toLocaleString("en")} updates in one day`,
    outlet: "Relive bench",
    description: `A synthetic feed of ${count} updates (seed ${seed}) for measuring the replay page on a large feed.`,
    sourceUrl: null,
    publishedZone,
    eventZone,
    eventDate,
    ...coverageOf(entries),
    entries,
    notes: findOutOfOrderNotes(entries, publishedZone),
  };
}

/** Writes the feed as a JSON feed file (docs/FEED-FORMAT.md). */
export function writeFeedJson(feed: ImportedFeed, file: string): void {
  fs.writeFileSync(file, `${JSON.stringify(toLiveBlogJson(feed))}\n`);
}

/**
 * Imports the feed into a running server's database (see the header). Runs in
 * a child process, `scripts/import.ts` when the file format allows it, so the
 * caller needs neither Prisma nor the embedded database in its own process.
 */
export async function importGeneratedFeed(options: {
  file: string;
  entries: number;
  seed: number;
  slug: string;
  env: Record<string, string>;
  timeoutMs?: number;
}): Promise<string> {
  const projectRoot = path.resolve(import.meta.dirname, "..");
  const args =
    options.entries <= FEED_LIMITS.maxEntries
      ? ["--import", "tsx", "scripts/import.ts", options.file]
      : [
          "--import",
          "tsx",
          "bench/generate-feed.ts",
          "--entries",
          String(options.entries),
          "--seed",
          String(options.seed),
          "--slug",
          options.slug,
          "--import",
        ];
  const child = spawn(process.execPath, args, { cwd: projectRoot, env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  }).finally(() => clearTimeout(timer));
  if (code !== 0) throw new Error(`import of ${options.slug} failed (exit ${code}):\n${output}`);
  return output.trim();
}

async function importIntoRunningServer(feed: ImportedFeed): Promise<void> {
  const { createPrismaClient } = await import("../server/db/database");
  const { EmbeddedPostgres } = await import("../server/db/embedded-postgres");
  const { readEnv } = await import("../server/env");
  const { importItems } = await import("../server/feeds/importer");
  const env = readEnv();
  const url = env.DATABASE_URL ?? (await EmbeddedPostgres.runningUrl(env.RELIVE_DATA_DIR));
  if (!url) throw new Error(`no running server's database in ${env.RELIVE_DATA_DIR} (and DATABASE_URL is not set)`);
  const db = createPrismaClient(url);
  try {
    const report = await importItems(db, [{ kind: "feed", feed, origin: "bench/generate-feed.ts" }]);
    for (const item of report.feeds) {
      const c = item.entries;
      console.log(`feed ${item.slug}: ${item.created ? "created" : "updated"}; entries ${c.added} added, ${c.updated} updated, ${c.removed} removed, ${c.unchanged} unchanged`);
    }
  } finally {
    await db.$disconnect();
  }
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename);
if (isMain) {
  const { values } = parseArgs({
    options: {
      entries: { type: "string", default: "10000" },
      seed: { type: "string", default: "1" },
      slug: { type: "string", default: "generated-10k" },
      out: { type: "string" },
      import: { type: "boolean", default: false },
    },
  });
  const feed = generateFeed({ entries: Number(values.entries), seed: Number(values.seed), slug: values.slug });
  if (values.out) {
    writeFeedJson(feed, values.out);
    console.log(`wrote ${feed.entries.length} updates to ${values.out}`);
  }
  if (values.import) await importIntoRunningServer(feed);
  if (!values.out && !values.import) process.stdout.write(`${JSON.stringify(toLiveBlogJson(feed), null, 2)}\n`);
}
