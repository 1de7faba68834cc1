/**
 * An in-memory socket pair for the room logic, after tldraw's TestSocketPair:
 * nothing is delivered until the test says so. Each pair joins a client
 * socket (what ReplayClient uses of a socket.io-client Socket) to a server
 * Peer (server/replay/socket/transport.ts); a TestHub holds the server's
 * rooms for every pair. Messages, and acknowledgements, queue in both
 * directions until `flush()`; payloads cross as JSON, as on the wire.
 *
 * Time is the test's: use vi fake timers, and leave setImmediate real
 * (`flush` uses it to let the server's promise chains run between deliveries).
 */
import type { ReplaySocket } from "@/client/replay-client";
import type { PeerConnection, ReplayConnections } from "@/server/replay/socket/connections";
import type { Census } from "@/server/replay/socket/presence";
import type { Peer, ProcessQuestion, Rooms, SocketData } from "@/server/replay/socket/transport";

type Handler = (...args: unknown[]) => void;

/** Lets every pending promise callback run (setImmediate comes after the microtask queue). */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

const wire = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

/** The server's rooms, for all pairs: what socket.io's adapter is in production (one process). */
export class TestHub {
  readonly pairs = new Set<TestSocketPair>();
  private readonly members = new Map<string, Set<TestPeer>>();
  private connections: ReplayConnections | undefined;
  /** Other server processes' answers to a count (none: the hub is the only process). */
  readonly otherProcesses: Array<(question: ProcessQuestion) => Census> = [];

  readonly rooms: Rooms = {
    emit: (target, event, payload) => {
      const names = typeof target.rooms === "string" ? [target.rooms] : target.rooms;
      const excluded = target.except === undefined ? new Set<TestPeer>() : (this.members.get(target.except) ?? new Set());
      const reached = new Set<TestPeer>();
      for (const name of names) for (const peer of this.members.get(name) ?? []) if (!excluded.has(peer)) reached.add(peer);
      for (const peer of reached) peer.emit(event, payload);
    },
    // One process, unless a test adds others: their answers cross as JSON, as through the adapter.
    askProcesses: async (question) => this.otherProcesses.map((answer) => wire(answer(question))),
    answerProcesses: () => undefined,
    local: (room) => [...(this.members.get(room) ?? [])],
  };

  /** The transport-free server that peers connect to (created with `rooms`). */
  attach(connections: ReplayConnections): void {
    this.connections = connections;
  }

  /** A new client socket, connected. */
  connect(address = "203.0.113.7"): TestSocketPair {
    const pair = new TestSocketPair(this, address);
    this.pairs.add(pair);
    pair.open();
    return pair;
  }

  /** Delivers everything queued on every pair, and what that causes, until nothing moves. */
  async flush(): Promise<void> {
    for (let round = 0; round < 1000; round++) {
      await settle();
      let moved = false;
      for (const pair of this.pairs) moved = pair.deliverAll() || moved;
      if (!moved) {
        await settle();
        if (![...this.pairs].some((pair) => pair.pending > 0)) return;
      }
    }
    throw new Error("the pairs never went quiet");
  }

  /** Flushes until `promise` settles, and returns what it gave. */
  async until<T>(promise: Promise<T>): Promise<T> {
    let done = false;
    const watched = promise.finally(() => void (done = true));
    watched.catch(() => undefined);
    for (let round = 0; round < 1000 && !done; round++) await this.flush();
    if (!done) throw new Error("the promise never settled");
    return watched;
  }

  /** @internal */
  open(peer: TestPeer): PeerConnection {
    if (!this.connections) throw new Error("attach the server first");
    peer.join(peer.id);
    return this.connections.connect(peer);
  }

  /** @internal */
  join(peer: TestPeer, room: string): void {
    let members = this.members.get(room);
    if (!members) this.members.set(room, (members = new Set()));
    members.add(peer);
  }

  /** @internal */
  leave(peer: TestPeer, room: string): void {
    this.members.get(room)?.delete(peer);
  }

  /** @internal Everything this peer joined, as socket.io forgets it on disconnect. */
  leaveAll(peer: TestPeer): void {
    for (const members of this.members.values()) members.delete(peer);
  }
}

let serial = 0;

/** The server's end of one connection. */
class TestPeer implements Peer {
  readonly id = `peer-${++serial}`;
  readonly data = {} as SocketData;
  constructor(
    private readonly hub: TestHub,
    private readonly pair: TestSocketPair,
    readonly address: string,
  ) {}
  join(rooms: string | string[]): void {
    for (const room of typeof rooms === "string" ? [rooms] : rooms) this.hub.join(this, room);
  }
  leave(room: string): void {
    this.hub.leave(this, room);
  }
  emit(event: string, payload: unknown): void {
    this.pair.toClient(this, event, [wire(payload)]);
  }
  ask(event: string, payload: unknown, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("operation has timed out")), timeoutMs);
      const ack = (answer: unknown) => this.pair.toServer(this, () => (clearTimeout(timer), resolve(answer)), wire(answer));
      this.pair.toClient(this, event, [wire(payload), ack]);
    });
  }
}

interface Message {
  /** The connection it was sent on: a message of a dropped connection is lost. */
  peer: TestPeer;
  deliver: () => void;
  /** What it is, for tests that drop it. */
  describe: { event: string; payload: unknown };
}

/**
 * One client connection. `socket` is what a ReplayClient takes; `peer` the
 * server's end. `flush()` delivers this pair's messages only (use the hub's to
 * let a broadcast reach everyone).
 */
export class TestSocketPair {
  peer!: TestPeer;
  private connection!: PeerConnection;
  private readonly toServerQueue: Message[] = [];
  private readonly toClientQueue: Message[] = [];
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly managerHandlers = new Map<string, Set<Handler>>();
  /** Everything the client received, in order ("ack" for an acknowledgement), for assertions. */
  readonly received: Array<{ event: string; payload: unknown }> = [];
  /** Everything the client sent, in order. */
  readonly sent: Array<{ event: string; payload: unknown }> = [];
  connected = false;

  constructor(
    private readonly hub: TestHub,
    private readonly address: string,
  ) {}

  /** What ReplayClient uses of a socket.io-client Socket. */
  readonly socket = {
    on: (event: string, handler: Handler) => void add(this.handlers, event, handler),
    off: (event: string, handler: Handler) => void this.handlers.get(event)?.delete(handler),
    listeners: (event: string) => [...(this.handlers.get(event) ?? [])],
    emit: (event: string, ...args: unknown[]) => {
      const ack = typeof args.at(-1) === "function" ? (args.pop() as Handler) : undefined;
      this.send(event, args, ack);
    },
    timeout: (timeoutMs: number) => ({
      emitWithAck: (event: string, ...args: unknown[]) =>
        new Promise<unknown>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error("operation has timed out")), timeoutMs);
          this.send(event, args, (response) => (clearTimeout(timer), resolve(response)));
        }),
    }),
    io: {
      on: (event: string, handler: Handler) => void add(this.managerHandlers, event, handler),
      off: (event: string, handler: Handler) => void this.managerHandlers.get(event)?.delete(handler),
    },
    get connected() {
      return pairOf(this).connected;
    },
  };

  /** The socket, typed as the client library wants it. */
  get clientSocket(): ReplaySocket {
    return this.socket as unknown as ReplaySocket;
  }

  get pending(): number {
    return this.toServerQueue.length + this.toClientQueue.length;
  }

  /** @internal */
  open(): void {
    sockets.set(this.socket, this);
    this.peer = new TestPeer(this.hub, this, this.address);
    this.connected = true;
    this.connection = this.hub.open(this.peer);
  }

  /** Delivers what the client sent, in order (and nothing the server sent meanwhile). */
  flushClientSent(): boolean {
    return deliver(this.toServerQueue, this.peer);
  }

  /** Delivers what the server sent, in order. */
  flushServerSent(): boolean {
    return deliver(this.toClientQueue, this.peer);
  }

  /** Loses what the server has sent and not yet delivered (a message dropped on the way); returns it. */
  dropServerSent(): Array<{ event: string; payload: unknown }> {
    return this.toClientQueue.splice(0).map((message) => message.describe);
  }

  /** @internal Delivers both directions once; true if anything moved. */
  deliverAll(): boolean {
    const sent = this.flushClientSent();
    return this.flushServerSent() || sent;
  }

  /** Delivers this pair's messages, and their consequences on this pair, until it is quiet. */
  async flush(): Promise<void> {
    for (let round = 0; round < 1000; round++) {
      await settle();
      if (!this.deliverAll()) {
        await settle();
        if (this.pending === 0) return;
      }
    }
    throw new Error("the pair never went quiet");
  }

  /** The connection drops: what is queued is lost, and the server forgets the peer's rooms. */
  disconnect(): void {
    if (!this.connected) return;
    this.connected = false;
    this.toServerQueue.length = 0;
    this.toClientQueue.length = 0;
    this.hub.leaveAll(this.peer);
    this.connection.disconnected();
  }

  /** A new connection for the same client socket, then socket.io's "reconnect" on its manager. */
  reconnect(): void {
    this.disconnect();
    this.open();
    for (const handler of [...(this.managerHandlers.get("reconnect") ?? [])]) handler(1);
  }

  /** @internal */
  toClient(peer: TestPeer, event: string, args: unknown[]): void {
    this.toClientQueue.push({
      peer,
      describe: { event, payload: args[0] },
      deliver: () => {
        this.received.push({ event, payload: args[0] });
        for (const handler of [...(this.handlers.get(event) ?? [])]) handler(...args);
      },
    });
  }

  /** @internal An acknowledgement from the client to a server request. */
  toServer(peer: TestPeer, resolve: () => void, answer: unknown): void {
    this.toServerQueue.push({ peer, deliver: resolve, describe: { event: "ack", payload: answer } });
  }

  private send(event: string, args: unknown[], ack: Handler | undefined): void {
    if (!this.connected) return; // socket.io would buffer; these tests reconnect explicitly
    const peer = this.peer;
    const payload = args.map(wire);
    this.sent.push({ event, payload: payload[0] });
    const serverAck = ack && ((response: unknown) => this.toClientQueue.push({ peer, deliver: () => (this.received.push({ event: "ack", payload: response }), ack(wire(response))), describe: { event: "ack", payload: response } }));
    this.toServerQueue.push({ peer, deliver: () => this.connection.receive(event, serverAck ? [...payload, serverAck] : payload), describe: { event, payload: payload[0] } });
  }
}

const sockets = new WeakMap<object, TestSocketPair>();
const pairOf = (socket: object) => sockets.get(socket)!;

function add(map: Map<string, Set<Handler>>, event: string, handler: Handler): void {
  let set = map.get(event);
  if (!set) map.set(event, (set = new Set()));
  set.add(handler);
}

/** Delivers the messages queued now (not those their delivery queues), dropping any of a connection that has gone. */
function deliver(queue: Message[], current: TestPeer): boolean {
  const batch = queue.splice(0);
  for (const message of batch) if (message.peer === current) message.deliver();
  return batch.length > 0;
}
