import { SessionPage, sessionTitle, type CodeParams } from "./session-page";

export const dynamic = "force-dynamic";
export const generateMetadata = sessionTitle;

/** A student following the class on their own device. */
export default function FollowerPage({ params }: CodeParams) {
  return <SessionPage params={params} role="follower" />;
}
