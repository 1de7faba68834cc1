/**
 * `npm start` and `npm run dev`: prepare the checkout, start everything, and
 * shut down in order on SIGINT/SIGTERM. Configuration mistakes end in one
 * line on stderr and exit code 1.
 */
import { readEnv, type Env } from "./env";
import { ConfigError } from "./errors";
import type { RunningServer } from "./app-server";
import { joinAddress } from "./join-address";
import { ensurePrismaClient, ensureWebBuild } from "./prepare";

// No request may leave the machine: Next's anonymous telemetry stays off.
process.env.NEXT_TELEMETRY_DISABLED = "1";
const started = Date.now();
const log = (line: string) => console.log(`relive: ${line} (+${Date.now() - started} ms)`);
const SHUTDOWN_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  // Listen for signals from the first moment: a Ctrl-C during start-up must
  // still stop the database we may be starting.
  let server: RunningServer | undefined;
  let requested: NodeJS.Signals | undefined;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    requested = signal;
    if (!server) return log(`${signal}: will stop as soon as start-up has finished`);
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    const deadline = setTimeout(() => {
      console.error("relive: shutdown took longer than 10 s; exiting anyway");
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    server.close().then(
      () => {
        log("stopped");
        process.exit(0);
      },
      (error: unknown) => {
        console.error("relive: shutdown failed:", error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  const env: Env = readEnv();
  await ensurePrismaClient(log);
  if (env.NODE_ENV !== "development") await ensureWebBuild(log);

  // Imported only now: it needs the Prisma client generated above.
  const { startServer } = await import("./app-server");
  server = await startServer(env, log);
  log(`ready on ${server.url}  (Ctrl-C to stop)`);
  // Printed once, like a notebook server's token: only its hash is kept.
  if (server.generatedLibraryKey) {
    log(`the feed library, with its key (keep it; it is not shown again):\n\n    ${server.url}/library?key=${server.generatedLibraryKey}\n`);
  } else {
    log(`the feed library: ${server.url}/library  (npm run library-key makes a new key)`);
  }
  // What a class's phones use: the console shows the same address in its join link and QR code.
  const network = joinAddress({ requestHost: undefined, publicUrl: env.RELIVE_PUBLIC_URL, bindHost: env.HOST, port: server.port, interfaceName: env.RELIVE_INTERFACE });
  log(network.reachable ? `on the network: ${network.base}  (students join here)` : network.problem);
  if (requested) stop(requested);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`relive: ${error.message}`);
  } else {
    console.error("relive: failed to start:", error);
  }
  process.exit(1);
});
