/** Join codes as people see them. (No zod here: the browser bundle imports this.) */

/** "ABCDEF" → "ABC-DEF". */
export function formatJoinCode(code: string): string {
  return code.length === 6 ? `${code.slice(0, 3)}-${code.slice(3)}` : code;
}

/** What a person typed, as the server reads it: upper case, spaces and dashes removed. */
export function normalizeJoinCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, "");
}
