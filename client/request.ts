/**
 * One request over the replay socket and its refusal. Apart from the replay
 * client so that a browser part that only asks (a class's question) does not
 * need the whole client on the page's first load.
 */
import type { Socket } from "socket.io-client";
// Types only from the protocol: the browser bundle must not load zod.
import type { ClientAcks, ClientEventName, ClientPayload, ClientToServerEvents, Refusal, ServerToClientEvents } from "../domain/protocol";

export type ReplaySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export class RequestRefused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
    this.name = "RequestRefused";
  }
}

/** Sends one event and resolves with its acknowledgement, or rejects with the refusal. */
export async function request<E extends ClientEventName>(socket: ReplaySocket, event: E, payload: ClientPayload<E>, timeoutMs = 10_000): Promise<ClientAcks[E]> {
  const emit = socket.timeout(timeoutMs).emitWithAck as unknown as (event: E, payload: ClientPayload<E>) => Promise<ClientAcks[E] | Refusal>;
  const response = await emit.call(socket.timeout(timeoutMs), event, payload);
  if (!response.ok) throw new RequestRefused(response);
  return response;
}
