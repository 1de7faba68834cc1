import type { ProtocolEntry } from "@/domain/protocol";
import { clockTime, zoneLabel } from "@/domain/time";

/** One live-blog update, rendered as text (React escapes it: feed content is never HTML). */
export function EntryView({
  entry,
  eventZone,
  publishedZone,
  note,
  fresh,
  ago,
}: {
  entry: ProtocolEntry;
  eventZone: string;
  publishedZone: string;
  note?: string | undefined;
  fresh?: boolean;
  ago?: string;
}) {
  return (
    <li className={fresh ? "entry entry-fresh" : "entry"} id={`entry-${entry.key}`} data-kind={entry.kind}>
      <p className="entry-time">
        <time dateTime={entry.publishedAt}>
          {clockTime(entry.publishedAt, eventZone)} {zoneLabel(eventZone)}
        </time>{" "}
        <span className="entry-time-alt">
          ({clockTime(entry.publishedAt, publishedZone)} {publishedZone})
        </span>
        {ago && <span className="entry-ago"> · {ago}</span>}
        {entry.kind === "video" && <span className="badge">Video</span>}
        {entry.kind === "photo" && <span className="badge">Photo</span>}
      </p>
      <h2 className="entry-title">{entry.title}</h2>
      {entry.photoCaption && (
        <p className="entry-caption">
          {entry.photoCaption}
          {entry.photoCredit && <span className="entry-credit"> {entry.photoCredit}</span>}
        </p>
      )}
      {entry.body
        .split("\n\n")
        .filter(Boolean)
        .map((paragraph, index) => (
          <p className="entry-body" key={index}>
            {paragraph}
          </p>
        ))}
      {note && <p className="entry-note">{note}</p>}
    </li>
  );
}
