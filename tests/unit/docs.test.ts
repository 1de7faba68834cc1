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
