/**
 * The library's pure rules: who may change it (the guard's cross-site and key checks, its
 * limits on a fake clock), the moments' validation, authored cards' sources, and the unlock
 * sentence the card form shows.
 */
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { describeUnlock, instantFrom } from "../../app/library/[slug]/unlock";
import { contextCardSchema } from "../../domain/cards";
import { checkMoments } from "../../domain/import/moments";
import { CROSS_SITE, KEY_ATTEMPTS_PER_MINUTE, LibraryGuard, readCookie } from "../../server/library/guard";
import { HashedKey, hashKey, LIBRARY_COOKIE } from "../../server/library/library-key";

const KEY = "the-library-key-for-unit-tests";

function req(method: string, headers: Record<string, string> = {}, address = "10.0.0.7"): IncomingMessage {
  return { method, headers: { host: "localhost:3000", ...headers }, socket: { remoteAddress: address } } as unknown as IncomingMessage;
}

function guardAt(clock: { now: number }) {
  return new LibraryGuard(new HashedKey(hashKey(KEY)), () => clock.now);
}

describe("LibraryGuard", () => {
  it("refuses a change from another site, by Sec-Fetch-Site or by Origin, and lets reads and its own pages through", () => {
    const guard = guardAt({ now: 0 });
    expect(guard.crossSite(req("POST", { origin: "http://evil.example" }))).toBe(CROSS_SITE);
    expect(guard.crossSite(req("DELETE", { "sec-fetch-site": "cross-site" }))).toBe(CROSS_SITE);
    // A sibling subdomain is same-site but not same-origin: refused too.
    expect(guard.crossSite(req("PUT", { "sec-fetch-site": "same-site", origin: "http://localhost:3000" }))).toBe(CROSS_SITE);
    expect(guard.crossSite(req("POST", { origin: "null" }))).toBe(CROSS_SITE);
    expect(guard.crossSite(req("POST", { origin: "http://localhost:3000", "sec-fetch-site": "same-origin" }))).toBeUndefined();
    expect(guard.crossSite(req("POST"))).toBeUndefined(); // a script: no Origin, and it must still give the key
    expect(guard.crossSite(req("GET", { origin: "http://evil.example" }))).toBeUndefined();
  });

  it("accepts the cookie it issued or the key as a bearer token, nothing else", () => {
    const guard = guardAt({ now: 0 });
    const cookie = guard.sessionCookie(false).split(";")[0]!;
    expect(guard.sessionCookie(true)).toMatch(/; HttpOnly; SameSite=Strict; .*; Secure$/);
    expect(cookie).not.toContain(KEY);
    expect(guard.authorized(req("POST", { cookie: `other=1; ${cookie}` }))).toBe(true);
    expect(guard.authorized(req("POST", { cookie: `${LIBRARY_COOKIE}=forged` }))).toBe(false);
    expect(guard.authorized(req("POST"))).toBe(false);
    expect(guard.authorized(req("POST", { authorization: `Bearer ${KEY}` }))).toBe(true);
    expect(guard.authorized(req("POST", { authorization: "Bearer wrong" }))).toMatchObject({ status: 403, error: "wrong_key" });
    // Another key's cookie is not this key's.
    const other = new LibraryGuard(new HashedKey(hashKey("another-key-entirely")));
    expect(guard.authorized(req("GET", { cookie: other.sessionCookie(false).split(";")[0]! }))).toBe(false);
  });

  it("after the wrong keys an address may try, refuses even the right one until the allowance refills; other addresses are not affected", () => {
    const clock = { now: 0 };
    const guard = guardAt(clock);
    for (let i = 0; i < KEY_ATTEMPTS_PER_MINUTE; i++) expect(guard.tryKey(req("POST"), `guess-${i}`)).toMatchObject({ status: 403 });
    expect(guard.tryKey(req("POST"), KEY)).toMatchObject({ status: 429, error: "rate_limited" });
    expect(guard.tryKey(req("POST", {}, "10.0.0.8"), KEY)).toBeUndefined();
    clock.now += 60_000 / KEY_ATTEMPTS_PER_MINUTE;
    expect(guard.tryKey(req("POST"), KEY)).toBeUndefined();
    // The right key costs nothing.
    for (let i = 0; i < 3 * KEY_ATTEMPTS_PER_MINUTE; i++) expect(guard.tryKey(req("POST", {}, "10.0.0.9"), KEY)).toBeUndefined();
  });

  it("reads one cookie among several", () => {
    expect(readCookie({ headers: { cookie: "a=1; relive_library=tok; b=2" } }, "relive_library")).toBe("tok");
    expect(readCookie({ headers: {} }, "relive_library")).toBeUndefined();
  });
});

describe("checkMoments", () => {
  const feed = { coverageStart: "2018-07-16T10:00:00.000Z", coverageEnd: "2018-07-16T18:00:00.000Z", entries: [{ key: "a" }, { key: "b" }, { key: "c" }] };

  it("sorts moments by time and keeps pause keys in replay order", () => {
    const result = checkMoments({ keyMoments: [{ label: " Press ", at: "2018-07-16T18:00:00+03:00" }, { label: "Arrivals", at: "2018-07-16T10:38:00Z" }], pauseKeys: ["c", "a"] }, feed);
    expect(result).toEqual({
      ok: true,
      moments: { keyMoments: [{ label: "Arrivals", at: "2018-07-16T10:38:00.000Z" }, { label: "Press", at: "2018-07-16T15:00:00.000Z" }], pauseKeys: ["a", "c"] },
    });
  });

  it("names the field of every problem", () => {
    expect(checkMoments({ keyMoments: [{ label: "", at: "noon" }], pauseKeys: [] }, feed)).toEqual({
      ok: false,
      issues: [
        { field: "keyMoments[0].label", message: "must not be empty" },
        { field: "keyMoments[0].at", message: "must be an instant such as 2018-07-16T10:38:00Z" },
      ],
    });
    const outside = checkMoments({ keyMoments: [{ label: "Late", at: "2018-07-16T19:00:00Z" }], pauseKeys: ["a", "zz"] }, feed);
    expect(outside.ok === false && outside.issues.map((i) => i.field)).toEqual(["keyMoments[0].at", "pauseKeys[1]"]);
  });
});

describe("an authored card's source", () => {
  const card = (source: object) => ({
    id: "venue",
    category: "background",
    title: "The venue",
    body: "A palace.",
    source: { outlet: "Helsinki Times", title: "Where they meet", date: "2018-07-16", ...source },
    knownFrom: "2018-07-16T11:05:00Z",
    aliases: [],
    pinnedByDefault: true,
  });

  it("may give a url, a seed document, or neither, but not both", () => {
    expect(contextCardSchema.safeParse(card({ url: "https://example.org/venue" })).success).toBe(true);
    expect(contextCardSchema.safeParse(card({ seed: "003_54f58a794e75b077.txt" })).success).toBe(true);
    expect(contextCardSchema.safeParse(card({})).success).toBe(true);
    const both = contextCardSchema.safeParse(card({ url: "https://example.org/venue", seed: "003_54f58a794e75b077.txt" }));
    expect(both.success || both.error.issues.map((i) => [i.path.join("."), i.message])).toEqual([["source.url", "give either seed or url, not both"]]);
    const bad = contextCardSchema.safeParse(card({ url: "javascript:alert(1)" }));
    expect(bad.success || bad.error.issues.map((i) => i.path.join("."))).toEqual(["source.url"]);
  });
});

describe("the card form's unlock sentence", () => {
  const feed = {
    eventZone: "Europe/Helsinki",
    coverageStart: "2018-07-16T06:45:00.000Z",
    coverageEnd: "2018-07-16T16:57:00.000Z",
    entries: [
      { publishedAt: "2018-07-16T06:45:00.000Z", title: "Morning" },
      { publishedAt: "2018-07-16T10:05:00.000Z", title: "Arrivals" },
      { publishedAt: "2018-07-16T11:10:00.000Z", title: "Talks" },
    ],
  };

  it("says the local time and where it falls among the updates", () => {
    expect(describeUnlock(instantFrom("2018-07-16", "14:05", "Europe/Helsinki")!, feed)).toBe('Shows from 14:05 Helsinki time: after update 2 of 3 ("Arrivals").');
    expect(describeUnlock("2018-07-15T12:00:00Z", feed)).toBe("Shows from 15:00 Helsinki time, 15 Jul 2018: from the start of the replay.");
    expect(describeUnlock("2018-07-17T12:00:00Z", feed)).toMatch(/stays locked for the whole replay\.$/);
  });

  it("refuses a time the clocks skipped", () => {
    expect(instantFrom("2018-03-25", "03:30", "Europe/Helsinki")).toBeUndefined();
    expect(instantFrom("2018-07-16", "14:05", "Europe/Helsinki")).toBe("2018-07-16T14:05:00+03:00");
  });
});
