/** Bumped on any incompatible protocol change. Its own module so that browsers can import it without zod. */
export const PROTOCOL_VERSION = 2;
