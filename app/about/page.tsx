import type { Metadata } from "next";

export const metadata: Metadata = { title: "About" };

/**
 * What Relive is, in a few lines. A plain server page with no script of its
 * own: the bench reads the framework's first-load JS off it (the floor every
 * route pays), so keep client components out of it.
 */
export default function AboutPage() {
  return (
    <main className="page">
      <header className="masthead">
        <p className="brand">
          Re<span className="brand-mark">live</span>
        </p>
        <h1 className="tagline">About Relive</h1>
      </header>
      <p>
        Relive replays a past live blog in simulated real time. Every update appears at the moment it was first published, and the background cards
        explain what a reader knew then, never what came later.
      </p>
      <p>
        Watch alone, or start a class session: the teacher&rsquo;s clock drives every student&rsquo;s screen, and the projector shows the room a
        large, quiet view.
      </p>
      <p>Relive runs on one machine and sends nothing elsewhere: no fonts, scripts or analytics are fetched from the internet.</p>
      <p>
        <a href="/">Back to the library</a>
      </p>
    </main>
  );
}
