/**
 * Limits of every import path (the command line and the browser), stated once so that the UI
 * can print them and the docs can name them (docs/FEED-FORMAT.md, "Limits"). Pure constants.
 */
import { FEED_LIMITS } from "../feed-model";

/** An upload or import file above this many bytes is refused before it is read as text. */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

/** A feed may hold at most this many entries (updates); more is refused, naming the first one over. */
export const MAX_ENTRIES = FEED_LIMITS.maxEntries;

/** "20 MiB", "512 KiB", "900 bytes". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
