import { formatJoinCode } from "@/domain/join-code";

/** A join code inside running text ("ABC-234"): one word, never broken at its hyphen. */
export function JoinCode({ code }: { code: string }) {
  return <span className="nowrap">{formatJoinCode(code)}</span>;
}
