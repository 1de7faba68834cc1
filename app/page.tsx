import { DateTime } from "luxon";
import type { FeedSummary } from "@/domain/feed";
import { zoneLabel } from "@/domain/time";
import { services } from "@/server/services";
import styles from "./home.module.css";
import { JoinForm } from "./join-form";
import { RecentSessions } from "./recent-sessions";

// Reads the database on every request; nothing to prerender at build time.
export const dynamic = "force-dynamic";

export default async function HomePage() {
  const feeds = await services().feeds.list();
  return (
    <main className="page">
      <header className="masthead">
        <h1 className="brand">
          Re<span className="brand-mark">live</span>
        </h1>
        <p className="tagline">Past live blogs, replayed as they happened.</p>
      </header>
      <JoinForm />
      <RecentSessions />
      <section aria-labelledby="library-title">
        <h2 className="section-title" id="library-title">
          Feed library
        </h2>
        {feeds.length === 0 ? (
          <p className={styles.empty}>
            No feeds yet. Import one in the <a href="/library">library</a>.
          </p>
        ) : (
          <ul className={styles.list}>
            {feeds.map((feed) => (
              <li key={feed.slug}>
                <FeedCard feed={feed} />
              </li>
            ))}
          </ul>
        )}
        <p className={styles.empty}>
          <a href="/library">Bring a live blog</a>: import, check and annotate feeds (needs the library key).
        </p>
      </section>
    </main>
  );
}

function FeedCard({ feed }: { feed: FeedSummary }) {
  const start = DateTime.fromISO(feed.coverageStart, { zone: feed.eventZone });
  const end = DateTime.fromISO(feed.coverageEnd, { zone: feed.eventZone });
  return (
    <a className={styles.card} href={`/replay/${feed.slug}`}>
      <h3>{feed.title}</h3>
      <p className={styles.meta}>
        {feed.outlet} · {start.toFormat("d LLLL yyyy")} · {start.toFormat("HH:mm")}–{end.toFormat("HH:mm")}{" "}
        {zoneLabel(feed.eventZone)} time · {feed.entryCount} updates
      </p>
      <p className={styles.description}>{feed.description}</p>
    </a>
  );
}
