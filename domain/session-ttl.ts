/** How long a session lives after its last activity (a join or a command). The teacher sees the date. */
export const SESSION_TTL_MS = {
  solo: 24 * 60 * 60 * 1000,
  shared: 14 * 24 * 60 * 60 * 1000,
} as const;

export const SHARED_TTL_DAYS = SESSION_TTL_MS.shared / (24 * 60 * 60 * 1000);
