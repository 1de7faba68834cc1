import type { Metadata } from "next";
import { DateTime } from "luxon";
import { formatBytes, MAX_ENTRIES, MAX_UPLOAD_BYTES } from "@/domain/import/limits";
import { zoneLabel } from "@/domain/time";
import { services } from "@/server/services";
import button from "../button.module.css";
import { hasLibraryAccess } from "./access";
import { ForgetKeyButton, KeyForm } from "./key-form";
import styles from "./library.module.css";
import { LibraryMasthead } from "./masthead";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Feed library" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function LibraryPage({ searchParams }: Props) {
  const key = (await searchParams).key;
  if (!(await hasLibraryAccess())) {
    return (
      <main className="page">
        <LibraryMasthead context="manage feeds" />
        <h1 className="feed-title">Feed library</h1>
        <KeyForm initialKey={typeof key === "string" ? key : undefined} />
      </main>
    );
  }
  const feeds = await services().feeds.list();
  return (
    <main className="page">
      <LibraryMasthead context="manage feeds" />
      <h1 className="feed-title">Feed library</h1>
      <p>
        <a className={`${button.button} ${button.primary}`} href="/library/import">
          Import a live blog
        </a>
      </p>
      <p className={styles.hint}>
        A saved page of a live blog (HTML), a LiveBlogPosting JSON or the plain-text format; up to {formatBytes(MAX_UPLOAD_BYTES)} and{" "}
        {MAX_ENTRIES.toLocaleString("en-GB")} updates.
      </p>
      <section aria-labelledby="feeds-title">
        <h2 className="section-title" id="feeds-title">
          Feeds
        </h2>
        {feeds.length === 0 ? (
          <p>No feeds yet.</p>
        ) : (
          <ul className={styles.feedList}>
            {feeds.map((feed) => (
              <li key={feed.slug} className={styles.panel}>
                <h3 className={styles.feedTitle}>
                  <a href={`/library/${feed.slug}`}>{feed.title}</a>
                </h3>
                <p className={styles.hint}>
                  {feed.outlet} · {DateTime.fromISO(feed.coverageStart, { zone: feed.eventZone }).toFormat("d LLLL yyyy")} · {feed.entryCount} updates ·{" "}
                  {zoneLabel(feed.eventZone)} time · <code>{feed.slug}</code> · <a href={`/replay/${feed.slug}`}>Replay</a>
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
      <p className={styles.logout}>
        <ForgetKeyButton />
      </p>
    </main>
  );
}

