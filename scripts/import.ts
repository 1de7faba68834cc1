/**
 * `npm run import -- <file>...`: imports feeds (JSON, a saved HTML page, or plain text) and
 * context-card files, all in one transaction. See docs/FEED-FORMAT.md.
 *
 * The database is DATABASE_URL, else the embedded PostgreSQL of a running
 * server, else the embedded PostgreSQL started just for this import.
 */
import { parseArgs } from "node:util";
import { withScriptDatabase } from "../server/db/database";
import { readEnv } from "../server/env";
import { ConfigError } from "../server/errors";
import { ImportFileError, readImportFile } from "../server/feeds/import-files";
import { ImportError, importItems, type RowCounts } from "../server/feeds/importer";
import { analyzeFeed } from "../domain/import/anomalies";

const USAGE = `usage: npm run import -- <file>... [options]

  <file>  a JSON feed (schema.org LiveBlogPosting), a saved live-blog page
          (.html: its LiveBlogPosting JSON-LD), a plain-text live blog,
          or a context-card file (JSON with "cards")

Plain-text feeds read their metadata from <name>.meta.json beside them;
an HTML page reads it from the page, and guesses what the page does not say
(the zone from the times' offsets, the slug from the headline).
These options override both:
  --slug <slug>  --title <title>  --outlet <name>  --date <yyyy-MM-dd>
  --zone <published zone, e.g. GMT>  --event-zone <IANA zone>  --source-url <url>`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    help: { type: "boolean", short: "h" },
    slug: { type: "string" },
    title: { type: "string" },
    outlet: { type: "string" },
    date: { type: "string" },
    zone: { type: "string" },
    "event-zone": { type: "string" },
    "source-url": { type: "string" },
  },
});

if (values.help || positionals.length === 0) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 2);
}

const override = Object.fromEntries(
  Object.entries({
    slug: values.slug,
    title: values.title,
    outlet: values.outlet,
    eventDate: values.date,
    publishedZone: values.zone,
    eventZone: values["event-zone"],
    sourceUrl: values["source-url"],
  }).filter(([, value]) => value !== undefined),
);

const counts = (c: RowCounts) => `${c.added} added, ${c.updated} updated, ${c.removed} removed, ${c.unchanged} unchanged`;

try {
  // Parse everything before touching the database: a broken file changes nothing.
  const items: Array<Awaited<ReturnType<typeof readImportFile>>> = [];
  for (const file of positionals) items.push(await readImportFile(file, override));
  const feedItems = items.flatMap((item) => (item.kind === "feed" ? [item] : []));

  const report = await withScriptDatabase(readEnv(), (line) => console.log(line), (db) => importItems(db, items));
  for (const [i, feed] of report.feeds.entries()) {
    console.log(`feed ${feed.slug}: ${feed.created ? "created" : feed.feedUpdated ? "updated" : "unchanged"}; entries ${counts(feed.entries)}`);
    const parsed = feedItems[i]?.parsed;
    for (const [field, detected] of Object.entries(parsed?.detected ?? {})) {
      if (detected.from === "guessed") console.log(`  guessed ${field}: ${detected.value ?? "(none)"}${detected.note ? ` (${detected.note})` : ""}`);
    }
    if (parsed) for (const anomaly of analyzeFeed({ ...parsed, feed: { ...parsed.feed, notes: feed.notes } })) console.log(`  ${anomaly.kind === "out_of_order" ? "note" : "check"}: ${anomaly.message}`);
    else for (const note of feed.notes) console.log(`  note: ${note.message}`);
    for (const kept of feed.keptKeys) console.log(`  kept key ${kept.key} (its headline changed; it would have been ${kept.generatedKey})`);
  }
  for (const cards of report.cards) console.log(`cards for ${cards.feed}: ${counts(cards.cards)}`);
  if (report.relinkedCards) console.log(`${report.relinkedCards} card(s) relinked to entries`);
} catch (error) {
  if (error instanceof ImportFileError || error instanceof ImportError || error instanceof ConfigError) {
    console.error(`import: ${error.message}`);
    console.error("import: nothing was changed");
    process.exitCode = 1;
  } else {
    throw error;
  }
}
