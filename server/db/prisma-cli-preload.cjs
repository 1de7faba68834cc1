// Preloaded into the Prisma CLI by prisma-cli.ts.
//
// Prisma 6.19's wasm schema engine arms a 10 s timeout around each command and
// never clears it, so every `prisma migrate deploy` sat idle for 10 s after
// finishing, on every start-up. (pg's pool did the same with its idle timers;
// prisma.config.ts sets allowExitOnIdle for that.) Timers armed from inside
// the wasm module are unref'd: they still fire while work is pending, but no
// longer keep a finished CLI alive.
"use strict";
const armTimeout = globalThis.setTimeout;
globalThis.setTimeout = function setTimeout(...args) {
  const timer = armTimeout.apply(this, args);
  if (typeof timer?.unref === "function" && /wasm:\/\//.test(new Error().stack ?? "")) timer.unref();
  return timer;
};
