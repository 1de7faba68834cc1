/** The replay's small labels: rates, elapsed time, "12 min ago". (Clock times: domain/time.ts.) */

export function formatRate(rate: number): string {
  return `${Number.isInteger(rate) ? rate : rate.toFixed(1)}×`;
}

/** "T+03:21" since coverage start (or "T−00:40" in the pre-roll). */
export function elapsed(ms: number): string {
  const sign = ms < 0 ? "−" : "+";
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  return `T${sign}${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/** "just now", "12 min ago", "2 h 5 min ago", in simulated time. */
export function ago(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes % 60} min ago`;
}
