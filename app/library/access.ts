/**
 * Whether the browser asking for a library page has entered the library key: its cookie is
 * checked by the server's key (server/library/library-key.ts). Pages only show; every change
 * goes through /api/library, which checks the key again.
 */
import { cookies } from "next/headers";
import { LIBRARY_COOKIE } from "@/server/library/library-key";
import { services } from "@/server/services";

export async function hasLibraryAccess(): Promise<boolean> {
  const token = (await cookies()).get(LIBRARY_COOKIE)?.value;
  return services().libraryKey.validToken(token);
}
