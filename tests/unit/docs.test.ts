import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const architecture = fs.readFileSync(path.join(root, "docs/ARCHITECTURE.md"), "utf8");

describe("docs/ARCHITECTURE.md", () => {
  it("names only files and folders that exist", () => {
    const mentioned = [...architecture.matchAll(/`((?:app|server|domain|prisma|data|public|scripts|tests|docs)\/[\w./-]*)`/g)].map((m) => m[1]!);
    expect(mentioned.length).toBeGreaterThan(10);
    const missing = mentioned.filter((relative) => !fs.existsSync(path.join(root, relative)));
    expect(missing).toEqual([]);
  });

  it("describes every top-level folder of the project", () => {
    const folders = fs
      .readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith(".") && !["node_modules", "scratch", "test-results", "playwright-report", "bench"].includes(entry.name))
      .map((entry) => entry.name);
    const undocumented = folders.filter((folder) => !architecture.includes(`| \`${folder}/\` |`));
    expect(undocumented).toEqual([]);
  });

  it("stays one page", () => {
    expect(architecture.split("\n").length).toBeLessThanOrEqual(90);
  });
});

describe("docs/TEACHING.md", () => {
  const guide = fs.readFileSync(path.join(root, "docs/TEACHING.md"), "utf8");

  it("names only settings the server reads, and the limits the rules enforce", async () => {
    const env = fs.readFileSync(path.join(root, "server/env.ts"), "utf8");
    const settings = [...guide.matchAll(/\b(RELIVE_[A-Z_]+|HOST|PORT)=/g)].map((m) => m[1]!);
    expect(settings.length).toBeGreaterThan(2);
    expect(settings.filter((name) => !env.includes(`${name}:`))).toEqual([]);
    const { QUESTION_LIMITS } = await import("../../domain/classroom/questions");
    expect(guide).toContain(`at most ${QUESTION_LIMITS.answerMax} characters`);
    expect(guide).toContain(`${QUESTION_LIMITS.optionsMin}–${QUESTION_LIMITS.optionsMax}\n   choices`);
  });

  it("gives the console's keys as the key map has them", async () => {
    const { KEY_HELP } = await import("../../app/_replay/key-map");
    const keys = KEY_HELP.map(([key]) => key).join(" ");
    for (const key of [...guide.matchAll(/press `(\w)`/g)].map((m) => m[1]!)) expect(keys).toContain(key);
    expect(guide).toContain("press `q`");
  });
});
