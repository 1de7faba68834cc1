/**
 * The session store in a real PostgreSQL: a saved state reads back column for
 * column (it is written as one raw UPDATE, so nothing checks the columns but
 * this), and a save against a stale revision writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initialClock } from "../../domain/replay/clock";
import { createPrismaClient, type Db } from "../../server/db/database";
import { newSecret, SessionStore, type StoredSession } from "../../server/replay/session-store";
import { createMigratedDatabase, runFileCleanups } from "./helpers";

let db: Db;
let store: SessionStore;
let feedId: string;
const start = Date.parse("2018-07-16T09:00:00Z");

beforeAll(async () => {
  const url = await createMigratedDatabase();
  db = createPrismaClient(url);
  store = new SessionStore(db);
  const feed = await db.feed.create({
    data: {
      slug: "store-test",
      title: "A test feed",
      outlet: "Test Outlet",
      description: "For the session store.",
      publishedZone: "UTC",
      eventZone: "Europe/Helsinki",
      eventDate: "2018-07-16",
      coverageStart: new Date(start),
      coverageEnd: new Date(start + 3 * 3600_000),
    },
  });
  feedId = feed.id;
});

afterAll(async () => {
  await db.$disconnect();
  await runFileCleanups();
});

async function newSession(): Promise<StoredSession> {
  const now = Date.parse("2026-11-30T10:00:00Z");
  const clock = initialClock({ start, end: start + 3 * 3600_000, entryTimes: [] }, now);
  return store.create({
    feedId,
    feedVersion: "v1",
    kind: "shared",
    secret: newSecret(),
    clock: { ...clock, revision: 0 },
    settings: { pauseOn: "off", markedEntryKeys: [], blanked: false },
    pinnedCards: ["summit"],
    now: new Date(now),
  });
}

describe("the session store", () => {
  it("writes every column of a new state, and reads it back as written", async () => {
    const created = await newSession();
    const next: StoredSession = {
      ...created,
      clock: {
        playing: true,
        rate: 62.5,
        simAtAnchor: start + 1234.5,
        serverTimeAtAnchor: 1_796_033_000_123.25,
        revision: 1,
        idleLimitMs: 90_000,
        stopAt: start + 3_600_000.5,
      },
      settings: { pauseOn: "marked", markedEntryKeys: ["e-12", "e-40 with a space", 'e-"quoted"'], blanked: true },
      pinnedCards: [],
      revealedCards: ["nato", "crimea"],
      expiresAt: new Date("2026-11-30T14:00:00.123Z"),
    };
    expect(await store.save(next, 0, new Date("2026-11-30T10:01:00Z"))).toBe(true);
    expect(await store.findById(created.id)).toEqual(next);

    // Nulls and empty lists go back the other way too.
    const cleared: StoredSession = {
      ...next,
      clock: { ...next.clock, playing: false, rate: 1, idleLimitMs: null, stopAt: null, revision: 2 },
      settings: { pauseOn: "off", markedEntryKeys: [], blanked: false },
      revealedCards: [],
    };
    expect(await store.save(cleared, 1, new Date("2026-11-30T10:02:00Z"))).toBe(true);
    expect(await store.findById(created.id)).toEqual(cleared);
    const row = await db.replaySession.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.lastActiveAt.toISOString()).toBe("2026-11-30T10:02:00.000Z");
  });

  it("refuses a save against a stale revision and changes nothing", async () => {
    const created = await newSession();
    const moved = { ...created, clock: { ...created.clock, revision: 1, playing: true } };
    expect(await store.save(moved, 0, new Date())).toBe(true);
    const stale = { ...created, clock: { ...created.clock, revision: 1, rate: 600 }, revealedCards: ["nato"] };
    expect(await store.save(stale, 0, new Date())).toBe(false);
    expect(await store.findById(created.id)).toEqual(moved);
  });

  it("touches nothing when the session is gone", async () => {
    const created = await newSession();
    await db.replaySession.delete({ where: { id: created.id } });
    expect(await store.save({ ...created, clock: { ...created.clock, revision: 1 } }, 0, new Date())).toBe(false);
    expect(await store.findById(created.id)).toBeUndefined();
  });
});
