/**
 * What the replay view is given: the feed (without its entries: each one
 * comes over the socket when its time comes) and who is watching.
 */
import type { FeedCard } from "@/domain/feed";
import type { DataNote } from "@/domain/feed-model";
import type { FollowerSync } from "@/domain/protocol";
import type { KeyMoment } from "./scrubber-math";

export interface ReplayFeed {
  slug: string;
  /**
   * Where the whole feed is read from (full-feed.ts): the feed API, and in a
   * class at the version the session replays, so that the console's look
   * ahead reads what the class will read after a re-import.
   */
  source: string;
  title: string;
  eventDate: string;
  publishedZone: string;
  eventZone: string;
  coverageStart: string;
  cards: FeedCard[];
  notes: DataNote[];
  /** Labelled moments on the scrubber (arrival, press conference...). */
  keyMoments: KeyMoment[];
  /** Entry keys the library suggests pausing before; the console offers them to the presenter. */
  pauseKeys: string[];
}

/** Who is watching: a solo viewer (with the raw query parameters, validated here), or a class session's follower, projector or presenter. */
export type ReplayMode =
  | {
      kind: "solo";
      t: string | undefined;
      speed: string | undefined;
      play: boolean;
      /** ?entry=: the key of the entry the link points at (the page resolved it and set `t` to its moment). */
      entry?: string | undefined;
      /** ?entry= named no entry of this feed. */
      missingEntry?: boolean;
      /** ?clock=today: run at 1× with today's time of day mapped onto the event day. */
      today?: boolean;
      /** ?kiosk=1: an exhibition screen, projector look, no controls, autoplay and loop. */
      kiosk?: boolean;
    }
  | { kind: "session"; code: string; role: "follower" | "projector" | "presenter" };

export type ReplayRole = "solo" | "follower" | "projector" | "presenter";

export interface Presence {
  /** Students' devices (projectors are counted apart). */
  followers: number;
  presenters: number;
  projectors: number;
  sync: FollowerSync;
}

/** Zones beside the event's own: the feed's published zone, the two capitals, and the viewer's. */
export function sideZones(feed: Pick<ReplayFeed, "publishedZone">): Array<{ label: string; zone: string }> {
  const mine = typeof Intl === "undefined" ? "UTC" : Intl.DateTimeFormat().resolvedOptions().timeZone;
  return [
    { label: feed.publishedZone, zone: feed.publishedZone },
    { label: "Moscow", zone: "Europe/Moscow" },
    { label: "Washington", zone: "America/New_York" },
    { label: "Your time", zone: mine },
  ];
}
