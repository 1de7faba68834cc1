/** Join codes as people see them. (No zod here: the browser bundle imports this.) */
import { JOIN_CODE_LENGTH } from "./protocol-constants";

/** "ABCDEF" → "ABC-DEF". */
export function formatJoinCode(code: string): string {
  const half = JOIN_CODE_LENGTH / 2;
  return code.length === JOIN_CODE_LENGTH ? `${code.slice(0, half)}-${code.slice(half)}` : code;
}

/** What a person typed, as the server reads it: upper case, spaces and dashes removed. */
export function normalizeJoinCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, "");
}
