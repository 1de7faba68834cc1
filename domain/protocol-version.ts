export { PROTOCOL_VERSION } from "./protocol-constants";
