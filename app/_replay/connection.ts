/**
 * What talking to the server takes, in one chunk of its own (load-connection.ts
 * loads it): socket.io's client, the replay client and how a session is got.
 * None of it runs before the page has hydrated, so none of it is first-load JS.
 */
export { io } from "socket.io-client";
export { ReplayClient } from "@/client/replay-client";
export { joinSession, NoPresenterKey, startClassSession, startSolo } from "./session-start";
