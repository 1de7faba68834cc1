/**
 * Refusals, raised: a handler (or the session manager, or the question rules)
 * throws a RefusalError, and the dispatch's one error boundary
 * (socket/dispatch.ts) answers the client with its `refusal`. The refusal
 * object itself is built by domain's `refusal()`, the one builder.
 */
import { refusal, type ErrorReason, type Refusal } from "../../domain/protocol-constants";

/** Raised for a refusal the client should see: `{ ok: false, reason, message }`. */
export class RefusalError<R extends ErrorReason = ErrorReason> extends Error {
  override name = "RefusalError";
  readonly refusal: Refusal<R>;
  constructor(reason: R, message: string) {
    super(message);
    this.refusal = refusal(reason, message);
  }

  get reason(): R {
    return this.refusal.reason;
  }

  toRefusal(): Refusal<R> {
    return this.refusal;
  }
}
