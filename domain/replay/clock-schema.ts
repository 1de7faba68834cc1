/**
 * The wire form of a ClockState, for the socket protocol. Kept apart from
 * clock.ts so that browsers computing time do not load zod.
 */
import { z } from "zod";
import { RATE_MAX, RATE_MIN, type ClockState } from "./clock";

const finite = z.number().refine(Number.isFinite, { message: "must be a finite number" });

/** The wire form of a ClockState, shared with the socket protocol. */
export const clockStateSchema = z
  .object({
    playing: z.boolean(),
    rate: finite.refine((r) => r >= RATE_MIN && r <= RATE_MAX, {
      message: `rate must be between ${RATE_MIN} and ${RATE_MAX}`,
    }),
    simAtAnchor: finite,
    serverTimeAtAnchor: finite,
    revision: z.number().int().nonnegative().refine(Number.isSafeInteger, {
      message: "revision must be a safe integer",
    }),
    idleLimitMs: finite.refine((ms) => ms > 0, { message: "idleLimitMs must be positive" }).nullable(),
    stopAt: finite.nullable(),
  })
  .refine((s) => s.stopAt === null || s.stopAt >= s.simAtAnchor, {
    message: "stopAt must not be before simAtAnchor",
    path: ["stopAt"],
  });

// Compile-time check that the schema and the interface agree.
type SchemaOutput = z.infer<typeof clockStateSchema>;
const _schemaMatches: [SchemaOutput extends ClockState ? true : false, ClockState extends SchemaOutput ? true : false] = [
  true,
  true,
];
void _schemaMatches;

