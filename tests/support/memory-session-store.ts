/**
 * Session storage in memory, with the same contract as the PostgreSQL store
 * (`SessionStore`): optimistic saves on the revision, unique join codes, and
 * copies in and out so that nobody shares a stored object. For the fast,
 * deterministic room-logic tests; the integration tests keep PostgreSQL.
 */
import crypto from "node:crypto";
import { SESSION_TTL_MS } from "@/domain/session-ttl";
import { hashSecret, newJoinCode, type NewSession, type SessionPersistence, type StoredSession } from "@/server/replay/session-store";

export class MemorySessionStore implements SessionPersistence {
  private readonly rows = new Map<string, StoredSession>();
  /** Saves that found another revision stored. */
  conflicts = 0;

  constructor(private readonly slugOf: (feedId: string) => string) {}

  async create(input: NewSession): Promise<StoredSession> {
    const taken = new Set([...this.rows.values()].map((row) => row.code));
    let code: string | null = null;
    if (input.kind === "shared") do code = newJoinCode(); while (taken.has(code));
    const row: StoredSession = {
      id: crypto.randomUUID(),
      feedSlug: this.slugOf(input.feedId),
      feedVersion: input.feedVersion,
      kind: input.kind,
      code,
      secretHash: hashSecret(input.secret),
      clock: { ...input.clock },
      settings: { ...input.settings, markedEntryKeys: [...input.settings.markedEntryKeys] },
      pinnedCards: [...input.pinnedCards],
      revealedCards: [],
      expiresAt: new Date(input.now.getTime() + SESSION_TTL_MS[input.kind]),
    };
    this.rows.set(row.id, row);
    return copy(row);
  }

  async findById(id: string): Promise<StoredSession | undefined> {
    const row = this.rows.get(id);
    return row && copy(row);
  }

  async findByCode(code: string): Promise<StoredSession | undefined> {
    for (const row of this.rows.values()) if (row.code === code) return copy(row);
    return undefined;
  }

  async save(session: StoredSession, expectedRevision: number): Promise<boolean> {
    const row = this.rows.get(session.id);
    if (!row || row.clock.revision !== expectedRevision) {
      this.conflicts++;
      return false;
    }
    this.rows.set(session.id, copy(session));
    return true;
  }

  async touch(id: string, _now: Date, expiresAt: Date): Promise<void> {
    const row = this.rows.get(id);
    if (row) row.expiresAt = expiresAt;
  }
}

function copy(row: StoredSession): StoredSession {
  return structuredClone(row);
}
