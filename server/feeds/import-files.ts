/**
 * Reads import files from disk and decides their format:
 *
 * - `*.json` with `"@type": "LiveBlogPosting"`: a JSON feed (docs/FEED-FORMAT.md);
 * - `*.json` with `"cards"`: a context-card file;
 * - anything else: the plain-text live-blog format. Its metadata (slug, outlet,
 *   zones, date) comes from `<name>.meta.json` beside it, or from the caller.
 *
 * Every problem becomes an ImportFileError naming the file and the line or field.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { CardFormatError, parseContextCards } from "../../domain/cards";
import { FeedFormatError } from "../../domain/feed-model";
import { parseLiveBlogJson } from "../../domain/import/json-feed";
import { parseLiveBlogText, type LiveBlogTextMeta } from "../../domain/import/live-blog-text";
import type { ImportItem } from "./importer";

export class ImportFileError extends Error {
  override readonly name = "ImportFileError";
}

/** Import files above this size are refused before parsing. */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

export async function readImportFile(file: string, metaOverride: Partial<LiveBlogTextMeta> = {}): Promise<ImportItem> {
  const text = await readUtf8(file);
  const origin = path.relative(process.cwd(), file) || file;
  try {
    if (file.endsWith(".json") || text.trimStart().startsWith("{")) {
      return looksLikeCards(text)
        ? { kind: "cards", file: parseContextCards(text), origin }
        : { kind: "feed", feed: parseLiveBlogJson(text), origin };
    }
    const sidecar = sidecarPath(file);
    const meta = { ...(await readSidecarMeta(sidecar)), ...metaOverride } as LiveBlogTextMeta;
    if (!meta.slug || !meta.outlet || !meta.eventDate || !meta.publishedZone || !meta.eventZone) {
      throw new ImportFileError(
        `${origin}: a plain-text feed needs its slug, outlet, publishedZone, eventZone and eventDate: ` +
          `put them in ${path.relative(process.cwd(), sidecar)} or pass them as options (see npm run import -- --help)`,
      );
    }
    return { kind: "feed", feed: parseLiveBlogText(text, meta), origin };
  } catch (error) {
    if (error instanceof FeedFormatError) {
      const where = error.line ? `:${error.line}` : "";
      const field = error.field && !error.message.includes(error.field) ? `${error.field}: ` : "";
      throw new ImportFileError(`${origin}${where}: ${field}${error.message}`, { cause: error });
    }
    if (error instanceof CardFormatError) throw new ImportFileError(`${origin}: ${error.message}`, { cause: error });
    throw error;
  }
}

async function readUtf8(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) throw new ImportFileError(`${file}: not a file`);
    if (stat.size > MAX_IMPORT_BYTES) throw new ImportFileError(`${file}: ${stat.size} bytes is over the ${MAX_IMPORT_BYTES}-byte limit`);
    bytes = await fs.readFile(file);
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    throw new ImportFileError(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    throw new ImportFileError(`${file}: not valid UTF-8 text`);
  }
}

function looksLikeCards(text: string): boolean {
  try {
    const json = JSON.parse(text) as unknown;
    return typeof json === "object" && json !== null && "cards" in json && !("@type" in json);
  } catch {
    return false; // the feed parser reports the syntax error with its line and column
  }
}

function sidecarPath(file: string): string {
  return file.replace(/\.[^./]+$/, "") + ".meta.json";
}

async function readSidecarMeta(sidecar: string): Promise<Partial<LiveBlogTextMeta>> {
  let text: string;
  try {
    text = await fs.readFile(sidecar, "utf8");
  } catch {
    return {};
  }
  try {
    return JSON.parse(text) as Partial<LiveBlogTextMeta>;
  } catch (error) {
    throw new ImportFileError(`${sidecar}: not valid JSON (${(error as Error).message})`);
  }
}
