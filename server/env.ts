import path from "node:path";
import { z } from "zod";
import { ConfigError } from "./errors";
import { ADDRESS_CAPS } from "./http/security";
import { MIN_KEY_LENGTH } from "./library/library-key";

/** The project root: the folder that holds package.json. */
export const projectRoot = path.resolve(import.meta.dirname, "..");

const postgresUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "postgres:" || url.protocol === "postgresql:") && url.hostname !== "";
    } catch {
      return false;
    }
  }, "must be a postgres:// or postgresql:// URL with a host");

/** Comma-separated origins such as `https://class.example.org`; each must be a bare http(s) origin. */
const originList = z
  .string()
  .default("")
  .transform((value, context) => {
    const origins: string[] = [];
    for (const item of value.split(",").map((part) => part.trim()).filter(Boolean)) {
      let url: URL | undefined;
      try {
        url = new URL(item);
      } catch {
        url = undefined;
      }
      if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.origin !== item.replace(/\/$/, "").toLowerCase()) {
        context.addIssue({ code: "custom", message: `"${item.slice(0, 100)}" is not an origin like https://example.org or http://10.0.0.5:3000` });
        return z.NEVER;
      }
      origins.push(url.origin);
    }
    return origins;
  });

/** Comma-separated host names such as `relive.school.example`: no scheme, no port, no path. */
const hostList = z
  .string()
  .default("")
  .transform((value, context) => {
    const hosts: string[] = [];
    for (const item of value.split(",").map((part) => part.trim()).filter(Boolean)) {
      const host = item.toLowerCase().replace(/\.$/, "");
      if (!/^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*$/.test(host)) {
        context.addIssue({ code: "custom", message: `"${item.slice(0, 100)}" is not a host name like class.example.org (no scheme, port or path)` });
        return z.NEVER;
      }
      hosts.push(host);
    }
    return hosts;
  });

/** An http(s) URL, or unset (empty counts as unset). */
const publicUrl = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined))
  .pipe(
    z
      .string()
      .refine((value) => {
        try {
          const url = new URL(value);
          return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
        } catch {
          return false;
        }
      }, "must be an http:// or https:// URL, like https://relive.school.example")
      .optional(),
  );

/** A cap: a whole number, 0 for none. */
const cap = (fallback: number) => z.coerce.number().int().min(0).max(1_000_000).default(fallback);

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  /** Use this PostgreSQL instead of starting the embedded one. */
  DATABASE_URL: z
    .string()
    .optional()
    .transform((value) => (value?.trim() ? value.trim() : undefined))
    .pipe(postgresUrl.optional()),
  /** Where the embedded PostgreSQL keeps its data. Git-ignored. */
  RELIVE_DATA_DIR: z.string().min(1).default(path.join(projectRoot, ".data")),
  /** Skip the seed import at start-up (tests that want an empty database). */
  RELIVE_SKIP_SEED: z
    .enum(["0", "1", "true", "false"])
    .default("0")
    .transform((value) => value === "1" || value === "true"),
  /**
   * Other sites whose pages may open a socket to this server. The server's
   * own origin (the request's Host) is always allowed, and so are programs
   * that send no Origin header.
   */
  RELIVE_ALLOWED_ORIGINS: originList,
  /** The network interface whose IPv4 address join links use (default: the first with one), e.g. wlan0. */
  RELIVE_INTERFACE: z
    .string()
    .optional()
    .transform((value) => (value?.trim() ? value.trim() : undefined)),
  /** Where the class reaches this server, e.g. https://relive.school.example. Its host is always allowed. */
  RELIVE_PUBLIC_URL: publicUrl,
  /**
   * Host names (besides localhost, this machine's name, any IP address and
   * the public URL's host) that requests may name in Host: the guard
   * against DNS rebinding.
   */
  RELIVE_ALLOWED_HOSTS: hostList,
  /**
   * The library key (who may import, annotate, export and delete feeds). Unset: a key is
   * generated on the first start, printed once and stored hashed (server/library/library-key.ts).
   */
  RELIVE_ADMIN_KEY: z
    .string()
    .optional()
    .transform((value) => (value?.trim() ? value.trim() : undefined))
    .pipe(z.string().min(MIN_KEY_LENGTH, `must be at least ${MIN_KEY_LENGTH} characters (a long random string)`).optional()),
  /** Concurrent sockets one client address may hold (0: no cap). */
  RELIVE_MAX_SOCKETS_PER_ADDRESS: cap(ADDRESS_CAPS.socketsPerAddress),
  /** Sessions one client address may create at once, and again each minute (0: no cap). */
  RELIVE_SESSION_CREATES_PER_MINUTE: cap(ADDRESS_CAPS.sessionCreatesPerMinute),
});

export type Env = z.infer<typeof schema>;

/** Parses the environment once, at the boundary. Bad values are a ConfigError. */
export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
    throw new ConfigError(`Invalid environment: ${problems.join("; ")}`);
  }
  return { ...result.data, RELIVE_DATA_DIR: path.resolve(result.data.RELIVE_DATA_DIR) };
}
