"use client";

/**
 * Loads connection.ts (socket.io's client, the replay client, the session's
 * start) as soon as this module runs in a browser, so that it downloads while
 * the page hydrates instead of delaying it; every caller shares the one load.
 */
export type Connection = typeof import("./connection");

let connection: Promise<Connection> | undefined;

export function loadConnection(): Promise<Connection> {
  if (!connection) {
    connection = import("./connection");
    connection.catch(() => (connection = undefined)); // asked again next time
  }
  return connection;
}

if (typeof window !== "undefined") void loadConnection().catch(() => undefined);
