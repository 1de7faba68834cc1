/**
 * What the custom server hands to Next's pages. Next renders in this same
 * process, but bundles its own copy of our modules, so the hand-over goes
 * through a global symbol rather than a module-level variable.
 */
import type { FeedRepository } from "./feeds/feed-repository";
import type { JoinAddress } from "./join-address";
import type { LibraryKey } from "./library/library-key";
import type { SessionDirectory } from "./replay/session-directory";

export interface Services {
  feeds: FeedRepository;
  sessions: SessionDirectory;
  /** Where students' phones reach this server, for a page requested with this Host (server/join-address.ts). */
  joinAddress(requestHost: string | undefined): JoinAddress;
  /** The library key: pages check the library cookie against it (server/library/library-key.ts). */
  libraryKey: Pick<LibraryKey, "validToken">;
}

const KEY = Symbol.for("relive.services");
type Holder = { [KEY]?: Services };

export function provideServices(services: Services | undefined): void {
  (globalThis as Holder)[KEY] = services;
}

export function services(): Services {
  const provided = (globalThis as Holder)[KEY];
  if (!provided) throw new Error("Relive services are not available: pages must be served by server/main.ts");
  return provided;
}
