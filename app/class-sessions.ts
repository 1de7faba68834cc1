/**
 * The class sessions this browser presents, kept in localStorage: the
 * presenter key never appears in a URL a class could see (the remote link
 * carries it in the fragment, which no server receives, and the console
 * removes it from the address bar at once).
 */
export interface SavedClass {
  code: string;
  sessionId: string;
  secret: string;
  feedSlug: string;
  feedTitle: string;
  lastUsedAt: string;
  expiresAt: string;
}

const KEY = "relive:classes";
const MAX_SAVED = 20;

export function savedClasses(): SavedClass[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? "[]");
    return Array.isArray(parsed) ? (parsed as SavedClass[]).filter((saved) => typeof saved?.code === "string" && typeof saved.secret === "string") : [];
  } catch {
    return [];
  }
}

export function savedClass(code: string): SavedClass | undefined {
  return savedClasses().find((saved) => saved.code === code);
}

/** Adds or refreshes a session, most recently used first. */
export function saveClass(saved: SavedClass): void {
  const others = savedClasses().filter((existing) => existing.code !== saved.code);
  try {
    localStorage.setItem(KEY, JSON.stringify([saved, ...others].slice(0, MAX_SAVED)));
  } catch {
    // storage full or disabled: the console still works until the tab closes
  }
}

export function forgetClass(code: string): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(savedClasses().filter((saved) => saved.code !== code)));
  } catch {
    // nothing to forget
  }
}

/** The remote link: the console on a second device. The key travels in the fragment only. */
export function remoteLink(origin: string, code: string, secret: string): string {
  return `${origin}/s/${code}/control#key=${encodeURIComponent(secret)}`;
}

/** A key handed over in this page's fragment, removed from the address bar as it is read. */
export function takeKeyFromFragment(): string | undefined {
  const match = /(?:^#|&)key=([^&]+)/.exec(window.location.hash);
  if (!match) return undefined;
  history.replaceState(null, "", window.location.pathname + window.location.search);
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return undefined;
  }
}
