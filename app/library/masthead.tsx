/** The library pages' masthead: the brand, where you are, and the way back. */
export function LibraryMasthead({ context }: { context: string }) {
  return (
    <header className="masthead">
      <a className="brand" href="/">
        Re<span className="brand-mark">live</span>
      </a>
      <p className="tagline">
        <a href="/library">Feed library</a> · {context}
      </p>
    </header>
  );
}
