import type { Metadata } from "next";
import { Masthead } from "./masthead";

export const metadata: Metadata = { title: "Not found" };

/**
 * Any address Relive has no page for, and a replay or library page whose
 * feed is not in the library (a link mistyped, or the feed since deleted).
 * A server page without script of its own, like the about page.
 */
export default function NotFound() {
  return (
    <main className="page">
      <Masthead />
      <h1 className="feed-title">Not found</h1>
      <p className="notice notice-error" role="alert" data-testid="not-found">
        Relive has no page at this address. If a link to a feed brought you here, the feed may have been removed from the library, or the link
        mistyped.
      </p>
      <p>
        <a href="/">To the feeds in the library, and to join a class</a>
      </p>
    </main>
  );
}
