/**
 * The three pages of a class session share this: look the code up (the
 * custom server already did, and set the status), load the feed, and show
 * either the session or a clear message about the code.
 */
import type { Metadata } from "next";
import { headers } from "next/headers";
import { cache, type ReactNode } from "react";
import QRCode from "qrcode";
import { formatJoinCode } from "@/domain/join-code";
import { SHARED_TTL_DAYS } from "@/domain/session-ttl";
import type { SessionLookup } from "@/server/replay/session-directory";
import { readSessionLookup, SESSION_LOOKUP_HEADER } from "@/server/replay/session-pages";
import { services } from "@/server/services";
import { FeedHeader, toReplayFeed } from "../../feed-header";
import { Masthead } from "../../masthead";
import { JoinCode } from "../../join-code";
import { JoinForm } from "../../join-form";
import { SessionView, type SessionRole } from "./session-view";

export type CodeParams = { params: Promise<{ code: string }> };

/** The feed at the version the session replays, read once per request: the title and the page both need it. */
const sessionFeed = cache((slug: string, version: string) => services().feeds.getAt(slug, version));

/**
 * The code looked up, once per request (the title and the page both ask): the
 * custom server's answer from its header, else a lookup of our own, which
 * counts as one guess of an unknown code.
 */
const lookupCode = cache(async (code: string): Promise<SessionLookup> => {
  const request = await headers();
  return readSessionLookup(request.get(SESSION_LOOKUP_HEADER)) ?? services().sessions.lookup(code, "page");
});

/** The title, and the preview a shared join link shows: the feed's title only, never where the class is. */
export async function sessionTitle({ params }: CodeParams): Promise<Metadata> {
  const { code } = await params;
  const lookup = await lookupCode(code);
  if (lookup.status !== "found") return { title: "Class session not found" };
  const title = `Class session ${formatJoinCode(lookup.code)}`;
  const feed = await sessionFeed(lookup.feedSlug, lookup.feedVersion);
  const description = feed ? `Follow the class through “${feed.title}”, replayed as it happened.` : "Follow the class through a live blog, replayed as it happened.";
  return { title, description, openGraph: { title, description, siteName: "Relive" }, twitter: { card: "summary", title, description } };
}

export async function SessionPage({ params, role }: CodeParams & { role: SessionRole }) {
  const { code } = await params;
  const lookup = await lookupCode(code);
  // The version the session replays: after a re-import, a class started before it keeps its cards and text.
  const feed = lookup.status === "found" ? await sessionFeed(lookup.feedSlug, lookup.feedVersion) : undefined;
  if (lookup.status !== "found" || !feed) return <SessionProblem lookup={lookup} />;

  // Phones must reach the link: never the loopback name the teacher may have typed (server/join-address.ts).
  const address = services().joinAddress((await headers()).get("host") ?? undefined);
  const joinUrl = address.reachable ? `${address.base}/s/${formatJoinCode(lookup.code)}` : undefined;
  const joinQrSvg = role === "follower" || !joinUrl ? undefined : await QRCode.toString(joinUrl, { type: "svg", margin: 1, errorCorrectionLevel: "M" });
  const projector = role === "projector";
  return (
    <main className={projector ? "page page-projector" : "page page-wide"}>
      <FeedHeader feed={feed} context={`Class session ${formatJoinCode(lookup.code)}`} />
      <SessionView
        feed={toReplayFeed(feed, lookup.feedVersion)}
        code={lookup.code}
        role={role}
        joinUrl={joinUrl}
        joinQrSvg={joinQrSvg}
        joinProblem={address.reachable ? undefined : address.problem}
      />
    </main>
  );
}

function SessionProblem({ lookup }: { lookup: SessionLookup }) {
  let message: ReactNode;
  switch (lookup.status) {
    case "invalid":
      message = "That is not a class session code. Codes have six letters and digits, like ABC-234.";
      break;
    case "unknown":
      // The sweep deletes expired sessions within 10 minutes (server/replay/index.ts), so an old link usually lands here.
      message = (
        <>
          No class session has the code <JoinCode code={lookup.code} />. Check the code with your teacher: it is shown on the projector. A session ends {SHARED_TTL_DAYS} days after its last use.
        </>
      );
      break;
    case "expired":
      message = (
        <>
          The class session <JoinCode code={lookup.code} /> has expired: sessions end after {SHARED_TTL_DAYS} days without use. Ask your teacher for a new code.
        </>
      );
      break;
    case "rate_limited":
      message = `Too many codes that do not exist were tried from this device. Wait ${lookup.retryAfterSeconds} seconds, then try again.`;
      break;
    case "found":
      message = "This session's feed is no longer in the library.";
      break;
  }
  return (
    <main className="page">
      <Masthead />
      <h1 className="feed-title">Join a class session</h1>
      <p className="notice notice-error" role="alert" data-testid="session-problem">
        {message}
      </p>
      <JoinForm />
    </main>
  );
}
