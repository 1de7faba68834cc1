/**
 * Keeps docs/PROTOCOL.md honest: it names every event, refusal reason and
 * limit the code defines, every clock field, and no event the code lacks.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { clientEvents, ErrorReason, MAX_PAYLOAD_BYTES, PROTOCOL_VERSION, serverEvents, SYNC_TOLERANCE_MS } from "../../domain/protocol";
import { GUESS_LIMIT } from "../../server/replay/join-guard";
import { clockStateSchema } from "../../domain/replay/clock-schema";
import { PROBE_INTERVAL_MS, RATE_LIMIT } from "../../server/replay/socket-server";

const root = path.resolve(import.meta.dirname, "../..");
const doc = fs.readFileSync(path.join(root, "docs/PROTOCOL.md"), "utf8");

const clientNames = Object.keys(clientEvents);
const serverNames = Object.keys(serverEvents);
const known = new Set([...clientNames, ...serverNames]);

describe("docs/PROTOCOL.md", () => {
  it("names every client → server event", () => {
    expect(clientNames.length).toBeGreaterThan(0);
    expect(clientNames.filter((name) => !doc.includes(`\`${name}\``))).toEqual([]);
  });

  it("names every server → client event", () => {
    expect(serverNames.length).toBeGreaterThan(0);
    expect(serverNames.filter((name) => !doc.includes(`\`${name}\``))).toEqual([]);
  });

  it("lists every error reason", () => {
    expect(Object.values(ErrorReason).filter((reason) => !doc.includes(`\`${reason}\``))).toEqual([]);
  });

  it("states the protocol version and the limits", () => {
    // Each number next to what it measures (markdown bold allowed), not just anywhere in the text.
    expect(doc).toMatch(new RegExp(`protocol:\\s*${PROTOCOL_VERSION}\\b`));
    expect(doc).toMatch(new RegExp(`PROTOCOL_VERSION\\W+${PROTOCOL_VERSION}\\b`));
    expect(doc).toMatch(new RegExp(`MAX_PAYLOAD_BYTES\\W+${MAX_PAYLOAD_BYTES}\\b\\**\\s*bytes`));
    expect(doc).toMatch(new RegExp(`burst\\W+${RATE_LIMIT.burst}\\b`));
    expect(doc).toMatch(new RegExp(`\\b${RATE_LIMIT.perSecond}\\**\\s+per second`));
    expect(doc).toMatch(new RegExp(`SYNC_TOLERANCE_MS\\W+${SYNC_TOLERANCE_MS}\\**\\s*ms`));
    expect(doc).toMatch(new RegExp(`\\*\\*${GUESS_LIMIT.burst}\\*\\* unknown codes`));
    expect(doc).toMatch(new RegExp(`every \\*\\*${GUESS_LIMIT.refillMs / 1000} s\\*\\*`));
    expect(doc).toMatch(new RegExp(`every ${PROBE_INTERVAL_MS / 1000} s to each follower`));
  });

  it("describes every field of the clock state", () => {
    const fields = Object.keys(clockStateSchema.shape);
    expect(fields.length).toBeGreaterThanOrEqual(7);
    expect(fields.filter((field) => !doc.includes(`\`${field}\``))).toEqual([]);
  });

  it("names no event the code does not define", () => {
    // `word:word` in backticks, "word:word" in quotes, and → / ← lines of the example exchange.
    const mentioned = [
      ...[...doc.matchAll(/`([A-Za-z][\w-]*:[A-Za-z][\w-]*)`/g)].map((m) => m[1]!),
      ...[...doc.matchAll(/"([A-Za-z][\w-]*:[A-Za-z][\w-]*)"/g)].map((m) => m[1]!),
      ...[...doc.matchAll(/^[→←]\s+([A-Za-z][\w-]*:[A-Za-z][\w-]*)/gm)].map((m) => m[1]!),
    ];
    expect(mentioned.length).toBeGreaterThanOrEqual(known.size);
    expect([...new Set(mentioned)].filter((name) => !known.has(name))).toEqual([]);
  });

  it("stays tight", () => {
    expect(doc.split("\n").length).toBeLessThanOrEqual(220);
  });
});
