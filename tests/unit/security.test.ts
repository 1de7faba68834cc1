import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../domain/protocol";
import { bodyTooLarge, malformedPath, originAllowed, pagePolicy } from "../../server/http/security";
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

describe("forFollowers", () => {
  it("hides the presenter's pause points and keeps everything else", () => {
    const snapshot = { sessionId: "s", settings: { pauseOn: "marked", markedEntryKeys: ["k1", "k2"], blanked: true } } as unknown as Snapshot;
    expect(forFollowers(snapshot)).toEqual({ sessionId: "s", settings: { pauseOn: "marked", markedEntryKeys: [], blanked: true } });
    expect(snapshot.settings.markedEntryKeys).toEqual(["k1", "k2"]); // the presenter's copy is untouched
  });
});
