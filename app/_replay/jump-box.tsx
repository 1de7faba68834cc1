"use client";

/** "Jump to": a time typed in any of the forms domain/replay/jump.ts reads, and where it landed. */
import { useEffect, useState } from "react";
import type { Command } from "@/domain/protocol";
import type { JumpFeed } from "@/domain/replay/jump";
import { zoneLabel } from "@/domain/time";
import { timeTools } from "./time-tools";
import button from "../button.module.css";
import styles from "./transport.module.css";

interface Props {
  feed: JumpFeed;
  send: (command: Command) => Promise<boolean>;
  /** Where the link's ?t= landed, shown until the viewer types. */
  linkHint: string | undefined;
}

export function JumpBox({ feed, send, linkHint }: Props) {
  const [input, setInput] = useState("");
  const [error, setError] = useState<string | undefined>();
  /** Where the last jump (typed, or the link's ?t=) landed, in the clock's zone and the blog's. */
  const [hint, setHint] = useState<string | undefined>(linkHint);
  useEffect(() => setHint(linkHint), [linkHint]);

  return (
    <form
      className={styles.jump}
      onSubmit={(event) => {
        event.preventDefault();
        void timeTools().then(({ parseJumpTime, jumpStatement }) => {
          const parsed = parseJumpTime(input, feed);
          if (!parsed.ok) {
            setHint(undefined);
            return setError(parsed.reason);
          }
          setError(undefined);
          setHint(jumpStatement(parsed, feed));
          void send({ type: "seek", to: parsed.ms });
        });
      }}
    >
      <label htmlFor="jump-input">Jump to</label>
      <input
        id="jump-input"
        className={`${styles.field} ${styles.jumpInput}`}
        value={input}
        placeholder={`hh:mm (${zoneLabel(feed.eventZone)} time)`}
        aria-describedby="jump-hint"
        // The reader of typed times loads as the box is focused, so Go answers at once.
        onFocus={() => void timeTools().catch(() => undefined)}
        onChange={(event) => {
          setInput(event.target.value);
          setHint(undefined);
        }}
      />
      <button type="submit" className={button.button}>
        Go
      </button>
      {error && <span className={`${styles.jumpError} jump-error`}>{error}</span>}
      <span className={styles.jumpHint} id="jump-hint" role="status" data-testid="jump-hint">
        {hint}
      </span>
    </form>
  );
}
