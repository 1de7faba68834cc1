import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot, readEnv } from "../../server/env";
import { ConfigError, redactUrl } from "../../server/errors";
import { ADDRESS_CAPS } from "../../server/http/security";

describe("readEnv", () => {
  it("has defaults that run the app on port 3000 with the embedded database", () => {
    const env = readEnv({});
    expect(env).toMatchObject({ NODE_ENV: "production", PORT: 3000, HOST: "0.0.0.0" });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.RELIVE_DATA_DIR).toBe(path.join(projectRoot, ".data"));
  });

  it("treats an empty DATABASE_URL as unset", () => {
    expect(readEnv({ DATABASE_URL: "  " }).DATABASE_URL).toBeUndefined();
  });

  it("accepts postgres:// and postgresql:// URLs", () => {
    expect(readEnv({ DATABASE_URL: "postgres://u:p@db:5432/x" }).DATABASE_URL).toBe("postgres://u:p@db:5432/x");
    expect(readEnv({ DATABASE_URL: "postgresql://db/x" }).DATABASE_URL).toBe("postgresql://db/x");
  });

  it.each([
    [{ PORT: "abc" }, /^Invalid environment: PORT /],
    [{ PORT: "70000" }, /^Invalid environment: PORT /],
    [{ NODE_ENV: "staging" }, /^Invalid environment: NODE_ENV /],
    [{ DATABASE_URL: "mysql://root:topsecret@db/x" }, /DATABASE_URL must be a postgres/],
    [{ DATABASE_URL: "not a url" }, /DATABASE_URL must be a postgres/],
  ])("rejects %j with a ConfigError", (source, message) => {
    const attempt = () => readEnv(source);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect((error as Error).message).not.toContain("topsecret");
    }
  });

  it("reads RELIVE_ALLOWED_ORIGINS as a list of bare origins, empty by default", () => {
    expect(readEnv({}).RELIVE_ALLOWED_ORIGINS).toEqual([]);
    expect(readEnv({ RELIVE_ALLOWED_ORIGINS: " https://class.example.org, http://10.0.0.5:3000/ ," }).RELIVE_ALLOWED_ORIGINS).toEqual([
      "https://class.example.org",
      "http://10.0.0.5:3000",
    ]);
  });

  it.each(["*", "class.example.org", "https://class.example.org/path", "ftp://x.example"])(
    "rejects the allowed origin %j with a ConfigError",
    (origin) => {
      expect(() => readEnv({ RELIVE_ALLOWED_ORIGINS: origin })).toThrow(/RELIVE_ALLOWED_ORIGINS .*is not an origin/);
    },
  );

  it("reads RELIVE_PUBLIC_URL as an optional http(s) URL", () => {
    expect(readEnv({}).RELIVE_PUBLIC_URL).toBeUndefined();
    expect(readEnv({ RELIVE_PUBLIC_URL: " " }).RELIVE_PUBLIC_URL).toBeUndefined();
    expect(readEnv({ RELIVE_PUBLIC_URL: "https://relive.school.example" }).RELIVE_PUBLIC_URL).toBe("https://relive.school.example");
    expect(readEnv({ RELIVE_PUBLIC_URL: "http://10.0.0.5:3000/" }).RELIVE_PUBLIC_URL).toBe("http://10.0.0.5:3000/");
  });

  it.each(["relive.school.example", "ftp://relive.school.example", "https://", "not a url"])("rejects the public URL %j with a ConfigError", (value) => {
    expect(() => readEnv({ RELIVE_PUBLIC_URL: value })).toThrow(/RELIVE_PUBLIC_URL must be an http:\/\/ or https:\/\/ URL/);
  });

  it("reads RELIVE_ALLOWED_HOSTS as a list of host names, empty by default", () => {
    expect(readEnv({}).RELIVE_ALLOWED_HOSTS).toEqual([]);
    expect(readEnv({ RELIVE_ALLOWED_HOSTS: " Relive.School.Example, teacher-laptop.local. ,," }).RELIVE_ALLOWED_HOSTS).toEqual([
      "relive.school.example",
      "teacher-laptop.local",
    ]);
  });

  it.each(["https://relive.school.example", "relive.school.example:3000", "relive.school.example/s", "*", "a b"])(
    "rejects the allowed host %j with a ConfigError",
    (host) => {
      expect(() => readEnv({ RELIVE_ALLOWED_HOSTS: host })).toThrow(/RELIVE_ALLOWED_HOSTS .*is not a host name/);
    },
  );

  it("reads the per-address caps, with defaults sized for a class behind one address, and 0 for none", () => {
    expect(readEnv({})).toMatchObject({
      RELIVE_MAX_SOCKETS_PER_ADDRESS: ADDRESS_CAPS.socketsPerAddress,
      RELIVE_SESSION_CREATES_PER_MINUTE: ADDRESS_CAPS.sessionCreatesPerMinute,
    });
    expect(ADDRESS_CAPS.socketsPerAddress).toBeGreaterThanOrEqual(2 * 200 * 2); // 200 pupils, two tabs, doubled over a reconnect
    expect(ADDRESS_CAPS.sessionCreatesPerMinute).toBeGreaterThanOrEqual(200); // a class opening a replay at once
    expect(readEnv({ RELIVE_MAX_SOCKETS_PER_ADDRESS: "0", RELIVE_SESSION_CREATES_PER_MINUTE: "12" })).toMatchObject({
      RELIVE_MAX_SOCKETS_PER_ADDRESS: 0,
      RELIVE_SESSION_CREATES_PER_MINUTE: 12,
    });
    for (const value of ["-1", "1.5", "lots"]) {
      expect(() => readEnv({ RELIVE_MAX_SOCKETS_PER_ADDRESS: value })).toThrow(/RELIVE_MAX_SOCKETS_PER_ADDRESS/);
      expect(() => readEnv({ RELIVE_SESSION_CREATES_PER_MINUTE: value })).toThrow(/RELIVE_SESSION_CREATES_PER_MINUTE/);
    }
  });

  it("makes a relative RELIVE_DATA_DIR absolute", () => {
    expect(readEnv({ RELIVE_DATA_DIR: "tmp/data" }).RELIVE_DATA_DIR).toBe(path.resolve("tmp/data"));
  });
});

describe("redactUrl", () => {
  it("hides the password and keeps host and port", () => {
    expect(redactUrl("postgresql://alice:s3cret@db.example:6543/relive")).toBe("postgresql://alice:***@db.example:6543/relive");
  });

  it("does not echo an unparseable value", () => {
    expect(redactUrl("::::s3cret")).toBe("<unparseable url>");
  });
});
