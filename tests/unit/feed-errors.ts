import { expect } from "vitest";
import { FeedFormatError } from "../../domain/feed-model";

/** Runs `fn`, which must throw a FeedFormatError, and returns that error. */
export function thrown(fn: () => unknown): FeedFormatError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FeedFormatError);
    return err as FeedFormatError;
  }
  throw new Error("expected a FeedFormatError");
}
