/**
 * How far ahead a shared session works: the lead of its clock changes and the
 * window in which entries go out before they fall due. Both are sized from
 * what delivery to the session's followers takes, as the presence probes
 * measure it (socket/presence.ts), so that a class of 20 stays responsive and
 * a hall of 10,000 still flips together.
 */
import { ENTRY_WINDOW_MIN_MS, LEAD_BOUNDS_MS } from "../../domain/protocol-constants";

/**
 * A round trip's share in the lead. The probe goes out to every follower at
 * once, so the slowest round trip already carries what a broadcast's delivery
 * to the last of them takes: the server writing to all of them, and the
 * followers' side reading it (measured by the bench at N = 1,000: a change's
 * last receipt came 0.75 to 1.3 times the slowest probe round trip after it was
 * sent). Half as much again absorbs most broadcasts slower than the last
 * probe (a garbage collection, a busier moment); Jellyfin takes twice the
 * highest ping, which here would add a third to every click's wait.
 */
export const LEAD_PER_ROUND_TRIP = 1.5;

/** The lead for a session whose slowest follower answered its last probe after `slowestRoundTripMs` (null: not measured yet). */
export function leadFor(slowestRoundTripMs: number | null): number {
  if (slowestRoundTripMs === null || !Number.isFinite(slowestRoundTripMs)) return LEAD_BOUNDS_MS.min;
  return Math.min(LEAD_BOUNDS_MS.max, Math.max(LEAD_BOUNDS_MS.min, Math.ceil(LEAD_PER_ROUND_TRIP * slowestRoundTripMs)));
}

/**
 * How far ahead of their instant entries may go out, in wall ms: twice the
 * lead (delivery takes at most about the lead), and never less than
 * ENTRY_WINDOW_MIN_MS, so that a timer or a garbage collection on either side
 * does not make an entry late. In simulated time it is rate × this.
 */
export function entryWindowMs(leadMs: number): number {
  return Math.max(ENTRY_WINDOW_MIN_MS, 2 * leadMs);
}
