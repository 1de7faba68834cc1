import { redirect } from "next/navigation";
import { formatJoinCode, normalizeJoinCode } from "@/domain/join-code";

export const dynamic = "force-dynamic";

/** The join form's target: /s?code=abc 234 → /s/ABC-234 (whose page says whether the code exists). */
export default async function JoinRedirect({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = (await searchParams).code;
  const code = normalizeJoinCode((Array.isArray(raw) ? raw[0] : raw) ?? "").slice(0, 20);
  redirect(code ? `/s/${encodeURIComponent(formatJoinCode(code))}` : "/");
}
