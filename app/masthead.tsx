import type { ReactNode } from "react";

/** The masthead of a page inside Relive: the brand, which leads home, and what the page is about. */
export function Masthead({ children }: { children?: ReactNode }) {
  return (
    <header className="masthead">
      <a className="brand" href="/">
        Re<span className="brand-mark">live</span>
      </a>
      {children !== undefined && <p className="tagline">{children}</p>}
    </header>
  );
}
