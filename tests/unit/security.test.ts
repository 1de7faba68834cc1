import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../domain/protocol";
import { addressKey, bodyTooLarge, malformedPath, originAllowed, pagePolicy } from "../../server/http/security";
import { JoinGuard } from "../../server/replay/join-guard";
import { forFollowers } from "../../server/replay/socket-server";

describe("originAllowed", () => {
  const allowlist = ["https://class.example.org"];

  it("lets in programs (no Origin), the server's own origin and listed sites", () => {
    expect(originAllowed(undefined, "localhost:3000", allowlist)).toBe(true);
    expect(originAllowed("http://localhost:3000", "localhost:3000", allowlist)).toBe(true);
    expect(originAllowed("http://192.168.1.20:3000", "192.168.1.20:3000", [])).toBe(true);
    expect(originAllowed("https://class.example.org", "relive.internal:3000", allowlist)).toBe(true);
  });

  it.each([
    ["https://evil.example", "localhost:3000"],
    ["http://localhost:3001", "localhost:3000"],
    ["http://localhost:3000.evil.example", "localhost:3000"],
    ["null", "localhost:3000"],
    ["file://", "localhost:3000"],
    ["chrome-extension://abc", "localhost:3000"],
    ["not a url", "localhost:3000"],
    ["http://localhost:3000", undefined],
  ])("refuses Origin %j for Host %j", (origin, host) => {
    expect(originAllowed(origin, host, allowlist)).toBe(false);
  });
});

describe("pagePolicy", () => {
  it("allows scripts only from this origin or with the nonce, and no outside origin at all", () => {
    const policy = pagePolicy("abc123", false);
    expect(policy).toContain("script-src 'self' 'nonce-abc123'");
    expect(policy).not.toMatch(/https?:|\*|'unsafe-eval'|script-src[^;]*'unsafe-inline'/);
    expect(pagePolicy("abc123", true)).toContain("'unsafe-eval'");
  });
});

describe("bodyTooLarge", () => {
  const request = (length: string | undefined) => ({ headers: length === undefined ? {} : { "content-length": length } }) as IncomingMessage;
  it("refuses declared bodies over 64 KiB, and nonsense lengths", () => {
    expect(bodyTooLarge(request(undefined))).toBe(false);
    expect(bodyTooLarge(request("65536"))).toBe(false);
    expect(bodyTooLarge(request("65537"))).toBe(true);
    expect(bodyTooLarge(request("lots"))).toBe(true);
  });
});

describe("malformedPath", () => {
  it("spots a path whose %-escapes do not decode, and ignores the query", () => {
    expect(malformedPath("/s/%ZZ")).toBe(true);
    expect(malformedPath("/replay/%E0%A4%A")).toBe(true);
    expect(malformedPath("/replay/x?t=%%%")).toBe(false);
    expect(malformedPath("/s/ABC%2DDEF")).toBe(false);
  });
});

describe("addressKey", () => {
  it("counts IPv4 by address, IPv4-mapped IPv6 as IPv4, and IPv6 by its /64", () => {
    expect(addressKey("192.0.2.7")).toBe("192.0.2.7");
    expect(addressKey("::ffff:192.0.2.7")).toBe("192.0.2.7");
    expect(addressKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8:1:2::9")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:0db8:0001:0002:0:0:0:1")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
    expect(addressKey(undefined)).toBe("unknown");
  });
});

describe("JoinGuard.lookup: only misses are limited", () => {
  it("always finds what exists, even for a client over its allowance; past it, misses answer rate_limited", async () => {
    let now = 0;
    const guard = new JoinGuard(() => now, { burst: 3, refillMs: 1000 });
    const exists = () => Promise.resolve("session");
    const missing = () => Promise.resolve(undefined);
    for (let i = 0; i < 3; i++) expect(await guard.lookup("a", missing)).toEqual({ status: "unknown" });
    expect(await guard.lookup("a", missing)).toEqual({ status: "rate_limited", retryAfterMs: 1000 });
    for (let i = 0; i < 5; i++) expect(await guard.lookup("a", exists)).toEqual({ status: "found", value: "session" });
    expect(await guard.lookup("b", missing)).toEqual({ status: "unknown" });
    now = 1000;
    expect(await guard.lookup("a", missing)).toEqual({ status: "unknown" }); // one refilled
    expect(await guard.lookup("a", missing)).toMatchObject({ status: "rate_limited" });
  });
});

describe("forFollowers", () => {
  it("hides the presenter's pause points and keeps everything else", () => {
    const snapshot = { sessionId: "s", settings: { pauseOn: "marked", markedEntryKeys: ["k1", "k2"], blanked: true } } as unknown as Snapshot;
    expect(forFollowers(snapshot)).toEqual({ sessionId: "s", settings: { pauseOn: "marked", markedEntryKeys: [], blanked: true } });
    expect(snapshot.settings.markedEntryKeys).toEqual(["k1", "k2"]); // the presenter's copy is untouched
  });
});
