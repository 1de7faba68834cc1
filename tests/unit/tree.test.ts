/** The shape of the code that reviews asked for, kept: no file in app/ grows past one screenful of jobs. */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? files(full) : [full];
  });
}

describe("app/", () => {
  it("has no file over 300 lines", () => {
    const long = files(path.join(root, "app"))
      .filter((file) => /\.(tsx?|css)$/.test(file))
      .map((file) => [path.relative(root, file), fs.readFileSync(file, "utf8").split("\n").length] as const)
      .filter(([, lines]) => lines > 300);
    expect(long).toEqual([]);
  });
});
