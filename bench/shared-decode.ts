/**
 * socket.io's own parser for the load process's ReplayClient followers, with
 * one change: a broadcast that 1,000 of them receive alike is decoded once.
 *
 * Each follower stands for a device of its own, which decodes its copy of a
 * broadcast in parallel with every other. In one load process the 1,000
 * copies were decoded one after another: each session:entries message
 * stalled the process for tens of ms, and an entry due meanwhile was
 * released that much late, on every follower after the first (bench/README.md).
 * Here the first follower decodes a frame with socket.io's own parser and the
 * next ones to receive the same text get the same packet, frozen, so that no
 * follower can change what another reads. Only events without an
 * acknowledgement are shared: socket.io-client appends the acknowledgement
 * callback to an event's arguments, and the id differs per socket anyway.
 */
import { Decoder, Encoder, PacketType, protocol, type Packet } from "socket.io-parser";

/**
 * The last frames decoded, with their packets, newest first. A few, not one:
 * two broadcasts close together (a state and its entries) reach the process
 * interleaved, one connection's pair after another's.
 */
const recent: Array<{ text: string; packet: Packet }> = [];
const RECENT = 4;

/** Shared packets decoded, and frames that reused one (its unit test reads them). */
export const sharing = { decoded: 0, reused: 0 };

class SharedDecoder extends Decoder {
  override add(chunk: unknown): void {
    // `2[` is an event on the main namespace without an acknowledgement id.
    if (typeof chunk !== "string" || !chunk.startsWith(`${PacketType.EVENT}[`)) return super.add(chunk);
    const known = recent.find((frame) => frame.text === chunk);
    if (known) {
      sharing.reused++;
      return void this.emitReserved("decoded", known.packet);
    }
    let packet: Packet | undefined;
    const capture = (decoded: Packet) => (packet = decoded);
    this.on("decoded", capture);
    try {
      super.add(chunk);
    } finally {
      this.off("decoded", capture);
    }
    // Decoded and emitted to this follower already (above); frozen for the next ones.
    sharing.decoded++;
    if (packet) recent.unshift({ text: chunk, packet: deepFreeze(packet) });
    recent.length = Math.min(recent.length, RECENT);
  }
}

function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return value;
  for (const inner of Object.values(value)) deepFreeze(inner);
  return Object.freeze(value);
}

/** The `parser` option of socket.io-client. */
export const sharedDecodeParser = { protocol, PacketType, Encoder, Decoder: SharedDecoder };
