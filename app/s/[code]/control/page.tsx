import { SessionPage, sessionTitle, type CodeParams } from "../session-page";

export const dynamic = "force-dynamic";
export const generateMetadata = sessionTitle;

/** The presenter console. The presenter key comes from this browser's storage (or a remote link's fragment), never from the URL path or query. */
export default function ConsolePage({ params }: CodeParams) {
  return <SessionPage params={params} role="presenter" />;
}
