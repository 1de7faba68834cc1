/**
 * The import preview: what would be saved, as the server parsed it. Metadata with how each value
 * was found, what a re-import changes, every anomaly pointing at its entries, and the entries in
 * replay order with the span.
 */
import { DateTime } from "luxon";
import type { AnomalyKind } from "@/domain/import/anomalies";
import type { FeedPreview } from "@/domain/import/preview";
import button from "../../button.module.css";
import styles from "../library.module.css";

const KIND_LABEL: Record<AnomalyKind, string> = {
  out_of_order: "Out of order on the page",
  duplicate_time: "Same time",
  duplicate_headline: "Same headline",
  nonexistent_time: "Time that does not exist that day",
  offset_mismatch: "Offset does not match the zone",
  outside_coverage: "Outside the stated coverage",
  empty_headline: "Empty headline",
  markup_stripped: "Markup removed",
  markup_kept: "Markup kept as text",
  source_note: "About the source",
};

const FROM_LABEL = { option: "as you gave it", source: "from the input", guessed: "guessed" } as const;

type Props = { preview: FeedPreview; liveSessions: { shared: number; solo: number }; busy: boolean; onSave(): void };

export function PreviewView({ preview, liveSessions, busy, onSave }: Props) {
  const { feed, diff, anomalies, entries } = preview;
  const time = (iso: string) => DateTime.fromISO(iso, { zone: feed.publishedZone }).toFormat("HH:mm");
  const full = (iso: string) => DateTime.fromISO(iso, { zone: feed.publishedZone }).toFormat("d LLL yyyy HH:mm");
  const where = (e: { line?: number; field?: string; block?: number }) =>
    [e.line !== undefined ? `line ${e.line}` : "", e.block !== undefined ? `JSON-LD block ${e.block}` : "", e.field ?? ""].filter(Boolean).join(", ");
  const nothingChanges = !diff.created && diff.feedFields.length + diff.added.length + diff.changed.length + diff.removed.length + diff.moved.length === 0;
  return (
    <section aria-labelledby="preview-title" className={styles.panel}>
      <h2 className="section-title" id="preview-title">
        Preview: {feed.title}
      </h2>
      <dl className={styles.facts}>
        <dt>Format</dt>
        <dd>{{ html: "saved HTML page", json: "LiveBlogPosting JSON", text: "plain text" }[preview.format]}</dd>
        {(["slug", "outlet", "publishedZone", "eventZone", "eventDate", "sourceUrl"] as const).map((field) => (
          <div key={field} className={styles.fact}>
            <dt>{field}</dt>
            <dd>
              {String(feed[field] ?? "—")} {preview.detected[field] && <span className={styles.from}>({FROM_LABEL[preview.detected[field]!.from]})</span>}
            </dd>
          </div>
        ))}
        <dt>Span</dt>
        <dd>
          {entries.length} updates, {full(feed.coverageStart)} to {full(feed.coverageEnd)} ({feed.publishedZone})
        </dd>
      </dl>

      <h3>{diff.created ? "A new feed" : "Re-import: what changes"}</h3>
      {diff.created ? (
        <p>Saving adds {diff.added.length} updates under the new slug <code>{feed.slug}</code>.</p>
      ) : nothingChanges ? (
        <p>Nothing changes: this is the stored feed exactly.</p>
      ) : (
        <div aria-label="Changes">
          <p>
            {diff.added.length} added, {diff.changed.length} changed, {diff.removed.length} removed, {diff.moved.length} moved, {diff.unchanged} unchanged
            {diff.feedFields.length > 0 && <>; metadata changed: {diff.feedFields.join(", ")}</>}.
            Entry keys stay the same, so sessions, cards and pause points keep their entries.
          </p>
          <ul className={styles.diff}>
            {diff.added.map((e) => <li key={`a${e.key}`}>Added: {time(e.publishedAt)} {e.title}</li>)}
            {diff.changed.map((e) => <li key={`c${e.key}`}>Changed ({e.fields.join(", ")}): {time(e.publishedAt)} {e.title}</li>)}
            {diff.removed.map((e) => <li key={`r${e.key}`}>Removed: {time(e.publishedAt)} {e.title}</li>)}
          </ul>
          {liveSessions.shared + liveSessions.solo > 0 && (
            <p className={styles.warning}>
              {liveSessions.shared} class session{liveSessions.shared === 1 ? " is" : "s are"} live on this feed (and {liveSessions.solo} solo replay
              {liveSessions.solo === 1 ? "" : "s"}); they keep their entries by key.
            </p>
          )}
        </div>
      )}

      <h3>Anomalies ({anomalies.length})</h3>
      {anomalies.length === 0 ? (
        <p>None found.</p>
      ) : (
        <ul className={styles.anomalies} aria-label="Anomalies">
          {anomalies.map((a, i) => (
            <li key={i} data-kind={a.kind}>
              <strong>{KIND_LABEL[a.kind]}.</strong> {a.message}
              {a.entries.some((e) => where(e)) && <span className={styles.where}> ({a.entries.map(where).filter(Boolean).slice(0, 6).join("; ")})</span>}
            </li>
          ))}
        </ul>
      )}

      <h3>Updates in replay order</h3>
      <div className={styles.scroll} tabIndex={0} role="region" aria-label="Updates in replay order">
        <table className={styles.table}>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Time ({feed.publishedZone})</th>
              <th scope="col">Headline</th>
              <th scope="col">In the input</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e, i) => (
              <tr key={e.key}>
                <td>{i + 1}</td>
                <td>{time(e.publishedAt)}</td>
                <td>{e.title}</td>
                <td>{where(e) || `position ${e.pagePosition}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className={styles.row}>
        <button type="button" className={`${button.button} ${button.primary}`} disabled={busy || nothingChanges} onClick={onSave}>
          {diff.created ? "Save to the library" : "Save the changes"}
        </button>
      </div>
    </section>
  );
}
