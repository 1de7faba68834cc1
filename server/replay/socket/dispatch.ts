/**
 * One client message, from arrival to answer, in this order: the rate limit,
 * a known event, the size, the schema, the handler; and one error boundary
 * (`classify`) where whatever the handler threw becomes the answer. A message
 * without an acknowledgement callback has no one to answer and is dropped
 * (it still uses up a token).
 */
import {
  clientEvents,
  ErrorReason,
  MAX_PAYLOAD_BYTES,
  refusal,
  type ClientAcks,
  type ClientEventName,
  type ClientPayload,
  type Refusal,
} from "../../../domain/protocol";
import { isDatabaseUnavailable } from "../../db/outage";
import { RefusalError } from "../refusals";
import type { TokenBucket } from "./rate-limit";
import type { Peer } from "./transport";

export type Handler<E extends ClientEventName> = (peer: Peer, payload: ClientPayload<E>) => Promise<ClientAcks[E]> | ClientAcks[E];
export type Handlers = { [E in ClientEventName]: Handler<E> };

/** Runs one incoming message (`args` as the transport delivered them, the acknowledgement last). */
export function dispatch(handlers: Handlers, peer: Peer, bucket: TokenBucket, event: string, args: unknown[]): void {
  const allowed = bucket.take();
  const ack = args.at(-1);
  // Without an acknowledgement callback there is no one to answer: drop it.
  if (typeof ack !== "function") return;
  const respond = (response: unknown) => (ack as (response: unknown) => void)(response);
  if (!allowed) return respond(refusal(ErrorReason.rateLimited, "Too many messages; slow down"));
  if (!Object.hasOwn(clientEvents, event)) return respond(refusal(ErrorReason.invalidPayload, `Unknown event "${String(event).slice(0, 50)}"`));
  const name = event as ClientEventName;
  const payload = args.length > 1 ? args[0] : undefined;
  let size: number;
  try {
    size = Buffer.byteLength(JSON.stringify(payload ?? null));
  } catch {
    return respond(refusal(ErrorReason.invalidPayload, "The payload is not JSON"));
  }
  if (size > MAX_PAYLOAD_BYTES) return respond(refusal(ErrorReason.tooLarge, `Payloads are limited to ${MAX_PAYLOAD_BYTES} bytes`));
  const parsed = clientEvents[name].safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    return respond(refusal(ErrorReason.invalidPayload, `${where}${issue?.message ?? "invalid payload"}`));
  }
  const handler = handlers[name] as Handler<typeof name>;
  Promise.resolve()
    .then(() => handler(peer, parsed.data as never))
    .then(respond, (error: unknown) => respond(classify(error, name)));
}

/**
 * The one boundary where errors become answers, by their type: our refusals
 * as they are, a RangeError from the clock as a bad payload, a database outage
 * as `unavailable` (server/db/outage.ts). Anything else is a defect: logged,
 * and the client hears "internal".
 */
export function classify(error: unknown, event: string): Refusal {
  if (error instanceof RefusalError) return error.refusal;
  if (error instanceof RangeError) return refusal(ErrorReason.invalidPayload, error.message);
  if (isDatabaseUnavailable(error)) return refusal(ErrorReason.unavailable, "The database is unavailable; try again shortly");
  console.error(`relive: ${event} failed:`, error);
  return refusal(ErrorReason.internal, "Something went wrong on the server");
}
