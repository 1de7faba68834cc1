/**
 * The library pages' one way to call /api/library: JSON in, JSON out, and every refusal turned
 * into a message that names the field or line when the server did.
 */
export type LibraryResult<T> = { ok: true; data: T } | { ok: false; status: number; message: string; field?: string; line?: number };

export async function libraryFetch<T>(path: string, init: RequestInit = {}): Promise<LibraryResult<T>> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: "same-origin", ...init });
  } catch {
    return { ok: false, status: 0, message: "The server could not be reached; check the connection and try again." };
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.ok) return { ok: true, data: body as T };
  return {
    ok: false,
    status: response.status,
    message: typeof body.message === "string" ? body.message : `The server answered ${response.status}`,
    ...(typeof body.field === "string" ? { field: body.field } : {}),
    ...(typeof body.line === "number" ? { line: body.line } : {}),
  };
}

/** A JSON body for PUT/POST. */
export function jsonBody(method: "PUT" | "POST", value: unknown): RequestInit {
  return { method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(value) };
}
