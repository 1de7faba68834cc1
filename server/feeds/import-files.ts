/**
 * Reads import files from disk and decides their format:
 *
 * - `*.json` with `"@type": "LiveBlogPosting"`: a JSON feed (docs/FEED-FORMAT.md);
 * - `*.json` with `"cards"`: a context-card file;
 * - `*.html` / `*.htm`, or text that starts like an HTML page: a saved live-blog page, whose
 *   LiveBlogPosting JSON-LD is imported (domain/import/html-page.ts); `<name>.meta.json` or the
 *   caller's options give or correct its slug, outlet, zones and date;
 * - anything else: the plain-text live-blog format. Its metadata (slug, outlet,
 *   zones, date) comes from `<name>.meta.json` beside it, or from the caller.
 *
 * Every problem becomes an ImportFileError naming the file and the line or field.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { CardFormatError, parseContextCards } from "../../domain/cards";
import { FeedFormatError } from "../../domain/feed-model";
import { looksLikeHtml, parseLiveBlogHtml } from "../../domain/import/html-page";
import { readLiveBlogJson } from "../../domain/import/json-feed";
import { formatBytes, MAX_UPLOAD_BYTES } from "../../domain/import/limits";
import { readLiveBlogText, type LiveBlogTextMeta } from "../../domain/import/live-blog-text";
import type { ImportItem } from "./importer";

export class ImportFileError extends Error {
  override readonly name = "ImportFileError";
}

/** Import files above this size are refused before parsing (the same limit as a browser upload). */
export const MAX_IMPORT_BYTES = MAX_UPLOAD_BYTES;

export async function readImportFile(file: string, metaOverride: Partial<LiveBlogTextMeta> = {}): Promise<ImportItem> {
  const text = await readUtf8(file);
  const origin = path.relative(process.cwd(), file) || file;
  try {
    if (file.endsWith(".json") || text.trimStart().startsWith("{")) {
      if (looksLikeCards(text)) return { kind: "cards", file: parseContextCards(text), origin };
      const parsed = readLiveBlogJson(text);
      return { kind: "feed", feed: parsed.feed, origin, parsed };
    }
    const sidecar = sidecarPath(file);
    if (/\.x?html?$/i.test(file) || looksLikeHtml(text)) {
      const meta = { ...(await readSidecarMeta(sidecar)), ...metaOverride };
      const parsed = parseLiveBlogHtml(text, meta);
      return { kind: "feed", feed: parsed.feed, origin, parsed };
    }
    const meta = { ...(await readSidecarMeta(sidecar)), ...metaOverride } as LiveBlogTextMeta;
    if (!meta.slug || !meta.outlet || !meta.eventDate || !meta.publishedZone || !meta.eventZone) {
      throw new ImportFileError(
        `${origin}: a plain-text feed needs its slug, outlet, publishedZone, eventZone and eventDate: ` +
          `put them in ${path.relative(process.cwd(), sidecar)} or pass them as options (see npm run import -- --help)`,
      );
    }
    const parsed = readLiveBlogText(text, meta);
    return { kind: "feed", feed: parsed.feed, origin, parsed };
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
    if (stat.size > MAX_IMPORT_BYTES) {
      throw new ImportFileError(
        `${file}: ${stat.size} bytes is over the limit of ${formatBytes(MAX_IMPORT_BYTES)} (${MAX_IMPORT_BYTES} bytes, MAX_UPLOAD_BYTES)`,
      );
    }
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
