/**
 * The raw followers' socket: socket.io's wire protocol (engine.io 4, socket.io
 * 5, text packets only) spoken over `ws` with nothing else. Up to 10,000 of
 * them share the load process, on the same two cores as the server; with
 * socket.io-client each brought a Manager, an engine, timers and a full
 * decode of every packet, and the load process, not the server, was the slow
 * end of a broadcast (bench/README.md). Here an event reaches its listener as
 * its name and its raw JSON text, and the listener parses only what it needs.
 *
 * Packets (engine.io type, then socket.io type for a message "4"):
 * `0{…}` open → we send `40{auth}`; `40{…}` connected; `44{…}` connect
 * refused; `2` ping → we send `3`; `42[id]["name",…]` an event (with an id,
 * the server waits for our `43id[answer]`); `43id[…]` the answer to ours;
 * `41` or `1` the server closes.
 */
import WebSocket from "ws";

type Listener = (json: string, ack: ((answer: unknown) => void) | undefined) => void;

export class LiteSocket {
  connected = false;
  /** Settles once socket.io has accepted the connection (or refused it, or timed out). */
  readonly opened: Promise<void>;
  private readonly ws: WebSocket;
  private readonly listeners = new Map<string, Listener>();
  private readonly pending = new Map<number, { resolve: (answer: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  private nextId = 0;
  private onClose: (reason: string) => void = () => undefined;

  constructor(url: string, auth: object, timeoutMs: number) {
    const address = new URL("/socket.io/?EIO=4&transport=websocket", url.replace(/^http/, "ws"));
    this.ws = new WebSocket(address, { perMessageDeflate: false });
    this.opened = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error("connect timed out")), timeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        reject(error);
        this.ws.terminate();
      };
      this.ws.on("error", fail);
      this.ws.on("message", (data: Buffer, binary: boolean) => {
        if (binary) return;
        const text = data.toString();
        switch (text.charCodeAt(0)) {
          case 0x30: // engine.io open
            return this.ws.send(`40${JSON.stringify(auth)}`);
          case 0x32: // ping
            return this.ws.send("3");
          case 0x31: // engine.io close
            return this.ws.close();
          case 0x34:
            break;
          default:
            return;
        }
        switch (text.charCodeAt(1)) {
          case 0x30: // socket.io connect
            clearTimeout(timer);
            this.connected = true;
            return resolve();
          case 0x34: // connect refused
            return fail(new Error(`connection refused: ${text.slice(2)}`));
          case 0x31: // socket.io disconnect
            return this.ws.close();
          case 0x32:
            return this.onEvent(text);
          case 0x33:
            return this.onAnswer(text);
        }
      });
      this.ws.on("close", () => {
        clearTimeout(timer);
        const was = this.connected;
        this.connected = false;
        for (const { reject: rejectAnswer, timer: answerTimer } of this.pending.values()) {
          clearTimeout(answerTimer);
          rejectAnswer(new Error("disconnected"));
        }
        this.pending.clear();
        if (was) this.onClose("transport close");
        else reject(new Error("closed before connecting"));
      });
    });
    this.opened.catch(() => undefined); // the caller awaits it; an unawaited failure is not an unhandled rejection
  }

  /** `listener` gets the event's payload as JSON text, and an answer function if the server asked for one. */
  on(event: string, listener: Listener): this {
    this.listeners.set(event, listener);
    return this;
  }

  onDisconnect(listener: (reason: string) => void): void {
    this.onClose = listener;
  }

  /** Sends an event and resolves with the server's answer (its first argument). */
  emitWithAck(event: string, payload: unknown, timeoutMs: number): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error("operation has timed out"));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.ws.send(`42${id}${JSON.stringify([event, payload])}`);
    });
  }

  close(): void {
    this.ws.terminate();
  }

  /** `42` then an optional ack id, then `["name",payload]`. */
  private onEvent(text: string): void {
    let at = 2;
    while (at < text.length && text.charCodeAt(at) >= 0x30 && text.charCodeAt(at) <= 0x39) at++;
    const id = at > 2 ? text.slice(2, at) : undefined;
    const nameEnd = text.indexOf('"', at + 2);
    const listener = this.listeners.get(text.slice(at + 2, nameEnd));
    if (!listener) return;
    // After the name's closing quote and its comma; the closing bracket of the array dropped.
    const json = text.slice(nameEnd + 2, -1);
    listener(json, id === undefined ? undefined : (answer) => this.ws.send(`43${id}${JSON.stringify([answer])}`));
  }

  /** `43` then the id of our request, then `[answer]`. */
  private onAnswer(text: string): void {
    const bracket = text.indexOf("[");
    const id = Number(text.slice(2, bracket));
    const waiting = this.pending.get(id);
    if (!waiting) return;
    this.pending.delete(id);
    clearTimeout(waiting.timer);
    waiting.resolve((JSON.parse(text.slice(bracket)) as unknown[])[0]);
  }
}

/** The clock revision of a `session:state` payload, read without parsing the rest. */
export function stateRevision(json: string): number | undefined {
  const clock = json.indexOf('"clock":');
  const match = clock < 0 ? null : /"revision":(\d+)/.exec(json.slice(clock, clock + 400));
  return match ? Number(match[1]) : undefined;
}
