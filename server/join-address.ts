/**
 * Where students' phones reach this server: the address that join links and
 * QR codes carry. A teacher who opens `http://localhost:3000` must not hand
 * the class a link to `localhost`, which on a phone is the phone itself.
 *
 * - RELIVE_PUBLIC_URL, when set, is the answer (a reverse proxy, a DNS name, https).
 * - A page opened through a name or address other than loopback already
 *   names a reachable host: links use it, as the teacher's browser did.
 * - Opened through loopback: the address the server listens on if it names
 *   one, else the machine's network address (RELIVE_INTERFACE, or the first
 *   non-internal IPv4), with the port.
 * - None reachable (the server listens on loopback only, or the machine has
 *   no network): no link, and a sentence that says why and what to do.
 */
import os from "node:os";

export type JoinAddress = { reachable: true; base: string } | { reachable: false; problem: string };

export interface JoinAddressInput {
  /** The Host header the teacher's page was requested with. */
  requestHost: string | undefined;
  publicUrl: string | undefined;
  /** The address the server listens on (HOST). */
  bindHost: string;
  /** The port it listens on. */
  port: number;
  /** A network interface to take the address from (RELIVE_INTERFACE), or undefined for the first with an IPv4. */
  interfaceName?: string | undefined;
  interfaces?: NodeJS.Dict<os.NetworkInterfaceInfo[]>;
}

const LOOPBACK_NAMES = new Set(["localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"]);

/** Whether a host name or address (without port; IPv6 with or without brackets) is this machine's loopback. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
  if (LOOPBACK_NAMES.has(name) || name.endsWith(".localhost")) return true;
  if (name === "::1" || name === "0:0:0:0:0:0:0:1") return true;
  if (/^::ffff:127\./.test(name)) return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/** "localhost:3000" → "localhost"; "[::1]:3000" → "::1". */
export function hostName(hostHeader: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hostHeader);
  if (bracketed) return bracketed[1]!;
  return hostHeader.replace(/:\d+$/, "");
}

/** Listening on every address: 0.0.0.0 or ::. */
function isWildcard(host: string): boolean {
  return host === "0.0.0.0" || host === "::" || host === "[::]";
}

function formatHost(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/** The first non-internal IPv4 address, of the named interface if one is named. */
export function networkAddress(interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>, interfaceName?: string): string | undefined {
  const names = interfaceName ? [interfaceName] : Object.keys(interfaces);
  for (const name of names) {
    for (const info of interfaces[name] ?? []) if (info.family === "IPv4" && !info.internal) return info.address;
  }
  return undefined;
}

export function joinAddress(input: JoinAddressInput): JoinAddress {
  if (input.publicUrl) return { reachable: true, base: input.publicUrl.replace(/\/+$/, "") };
  if (input.requestHost && !isLoopbackHost(hostName(input.requestHost))) return { reachable: true, base: `http://${input.requestHost}` };
  if (isLoopbackHost(input.bindHost)) {
    return {
      reachable: false,
      problem: `Phones cannot reach this server: it only listens on this computer (HOST=${input.bindHost}). Restart it with HOST=0.0.0.0, or set RELIVE_PUBLIC_URL to the address the class uses.`,
    };
  }
  if (!isWildcard(input.bindHost)) return { reachable: true, base: `http://${formatHost(input.bindHost)}:${input.port}` };
  const address = networkAddress(input.interfaces ?? os.networkInterfaces(), input.interfaceName);
  if (!address) {
    const where = input.interfaceName ? `The network interface "${input.interfaceName}" (RELIVE_INTERFACE) has no IPv4 address` : "This computer has no network connection phones could use";
    return {
      reachable: false,
      problem: `${where}. Connect it to the classroom's network and reload this page, or set RELIVE_PUBLIC_URL to the address the class uses.`,
    };
  }
  return { reachable: true, base: `http://${address}:${input.port}` };
}
