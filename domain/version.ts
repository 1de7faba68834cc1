import pkg from "../package.json";

/** The running build's version, reported by /api/health and the handshake. */
export const APP_VERSION: string = pkg.version;
