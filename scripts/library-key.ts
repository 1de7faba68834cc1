/**
 * `npm run library-key`: replaces the stored library key with a new one and prints it once.
 * Browsers that entered the old key must enter the new one; a running server picks it up when it
 * restarts. Has no effect on a server given RELIVE_ADMIN_KEY, which uses that key instead.
 */
import { createPrismaClient, migrate, openDatabase } from "../server/db/database";
import { EmbeddedPostgres } from "../server/db/embedded-postgres";
import { readEnv } from "../server/env";
import { rotateLibraryKey } from "../server/library/library-key";

const env = readEnv();
const log = (line: string) => console.log(line);
let stopDatabase: (() => Promise<void>) | undefined;
const running = env.DATABASE_URL ? undefined : await EmbeddedPostgres.runningUrl(env.RELIVE_DATA_DIR);
let url = env.DATABASE_URL ?? running;
if (!url) {
  const database = await openDatabase({ databaseUrl: undefined, dataDir: env.RELIVE_DATA_DIR, log });
  stopDatabase = () => database.embedded!.stop();
  url = database.url;
}
try {
  await migrate(url, log);
  const db = createPrismaClient(url);
  const key = await rotateLibraryKey(db);
  await db.$disconnect();
  if (env.RELIVE_ADMIN_KEY) console.log("note: RELIVE_ADMIN_KEY is set, so the server uses that key, not this one");
  console.log(`New library key (shown once; restart the server to use it):\n\n    ${key}\n\nOpen /library?key=${key} on the server.`);
} finally {
  await stopDatabase?.();
}
