/**
 * A feed's key moments (labelled marks on the replay's scrubber) and suggested pause points
 * (entries a class session pauses before), as the library edits them. Pure validation: every
 * error names its field, e.g. `keyMoments[2].at`.
 */
import { z } from "zod";

export const MAX_KEY_MOMENTS = 20;
export const MAX_MOMENT_LABEL = 40;

export interface KeyMoment {
  label: string;
  /** ISO instant (UTC). */
  at: string;
}

export interface FeedMoments {
  keyMoments: KeyMoment[];
  /** Entry keys, in replay order. */
  pauseKeys: string[];
}

const momentsSchema = z.strictObject({
  keyMoments: z
    .array(
      z.strictObject({
        label: z
          .string()
          .trim()
          .min(1, { message: "must not be empty" })
          .max(MAX_MOMENT_LABEL, { message: `must be at most ${MAX_MOMENT_LABEL} characters` }),
        at: z.iso.datetime({ offset: true, message: "must be an instant such as 2018-07-16T10:38:00Z" }),
      }),
    )
    .max(MAX_KEY_MOMENTS, { message: `at most ${MAX_KEY_MOMENTS} key moments` }),
  pauseKeys: z.array(z.string().min(1)).max(5000),
});

/**
 * Checks moments against the feed they are for: each moment inside the coverage, each pause key
 * an entry of the feed. Returns the moments sorted by time (UTC ISO) and the keys in replay order.
 */
export function checkMoments(
  input: unknown,
  feed: { coverageStart: string; coverageEnd: string; entries: ReadonlyArray<{ key: string }> },
): { ok: true; moments: FeedMoments } | { ok: false; issues: Array<{ field: string; message: string }> } {
  const parsed = momentsSchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.map((i) => ({ field: fieldPath(i.path), message: i.message })) };
  }
  const issues: Array<{ field: string; message: string }> = [];
  const start = Date.parse(feed.coverageStart);
  const end = Date.parse(feed.coverageEnd);
  parsed.data.keyMoments.forEach((m, i) => {
    const at = Date.parse(m.at);
    if (at < start || at > end) issues.push({ field: `keyMoments[${i}].at`, message: `must be within the feed's span (${feed.coverageStart} to ${feed.coverageEnd})` });
  });
  const known = new Set(feed.entries.map((e) => e.key));
  parsed.data.pauseKeys.forEach((key, i) => {
    if (!known.has(key)) issues.push({ field: `pauseKeys[${i}]`, message: `"${key}" is not an entry of this feed` });
  });
  if (issues.length > 0) return { ok: false, issues };
  const wanted = new Set(parsed.data.pauseKeys);
  return {
    ok: true,
    moments: {
      keyMoments: parsed.data.keyMoments.map((m) => ({ label: m.label, at: new Date(m.at).toISOString() })).sort((a, b) => Date.parse(a.at) - Date.parse(b.at)),
      pauseKeys: feed.entries.filter((e) => wanted.has(e.key)).map((e) => e.key),
    },
  };
}

function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
}
