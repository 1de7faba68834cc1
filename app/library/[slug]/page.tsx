import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { FEED_SLUG_PATTERN } from "@/domain/protocol-constants";
import { longDate } from "@/domain/time";
import { services } from "@/server/services";
import button from "../../button.module.css";
import { hasLibraryAccess } from "../access";
import { KeyForm } from "../key-form";
import styles from "../library.module.css";
import { LibraryMasthead } from "../masthead";
import { CardsSection } from "./cards-section";
import { DeleteForm } from "./delete-form";
import { MomentsForm } from "./moments-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Feed · library" };

type Params = { params: Promise<{ slug: string }> };

export default async function LibraryFeedPage({ params }: Params) {
  const { slug } = await params;
  if (!(await hasLibraryAccess())) {
    return (
      <main className="page">
        <LibraryMasthead context={slug} />
        <KeyForm />
      </main>
    );
  }
  const feed = FEED_SLUG_PATTERN.test(slug) ? await services().feeds.get(slug) : undefined;
  if (!feed) notFound();
  const entries = feed.entries.map((e) => ({ key: e.key, publishedAt: e.publishedAt, title: e.title }));
  const unlockFeed = { eventZone: feed.eventZone, coverageStart: feed.coverageStart, coverageEnd: feed.coverageEnd, entries };
  return (
    <main className="page">
      <LibraryMasthead context={feed.slug} />
      <h1 className="feed-title">{feed.title}</h1>
      <p className={styles.hint}>
        {feed.outlet} · {longDate(feed.coverageStart, feed.eventZone)} · {feed.entries.length} updates · times printed in {feed.publishedZone}, event in{" "}
        {feed.eventZone}
      </p>
      <p className={styles.row}>
        <a className={`${button.button} ${button.primary}`} href={`/replay/${feed.slug}`}>
          Replay
        </a>
        <a className={button.button} href={`/library/import`}>
          Re-import
        </a>
        <a className={button.button} href={`/api/library/feeds/${feed.slug}/export?file=feed`} download>
          Export the feed (JSON)
        </a>
        <a className={button.button} href={`/api/library/feeds/${feed.slug}/export?file=cards`} download>
          Export the cards (JSON)
        </a>
      </p>
      <CardsSection slug={feed.slug} feed={unlockFeed} cards={feed.cards} />
      <MomentsForm slug={feed.slug} zone={feed.eventZone} keyMoments={feed.keyMoments} pauseKeys={feed.pauseKeys} entries={entries} />
      <DeleteForm slug={feed.slug} />
    </main>
  );
}
