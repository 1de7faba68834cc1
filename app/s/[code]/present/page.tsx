import { SessionPage, sessionTitle, type CodeParams } from "../session-page";

export const dynamic = "force-dynamic";
export const generateMetadata = sessionTitle;

/** The projector: the session's clock and pins, in large type, with no controls. */
export default function ProjectorPage({ params }: CodeParams) {
  return <SessionPage params={params} role="projector" />;
}
