/**
 * `npm run library-key`: replaces the stored library key with a new one and prints it once.
 * Browsers that entered the old key must enter the new one; a running server takes it within
 * KEY_REFRESH_MS. Has no effect on a server given RELIVE_ADMIN_KEY, which uses that key instead.
 */
import { withScriptDatabase } from "../server/db/database";
import { readEnv } from "../server/env";
import { KEY_REFRESH_MS, rotateLibraryKey } from "../server/library/library-key";

const env = readEnv();
const key = await withScriptDatabase(env, (line) => console.log(line), rotateLibraryKey);
if (env.RELIVE_ADMIN_KEY) console.log("note: RELIVE_ADMIN_KEY is set, so the server uses that key, not this one");
console.log(
  `New library key (shown once; running servers take it within ${KEY_REFRESH_MS / 1000} s, and the old key stops working):\n\n    ${key}\n\nOpen /library?key=${key} on the server.`,
);
