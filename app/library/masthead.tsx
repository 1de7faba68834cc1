import { Masthead } from "../masthead";

/** The library pages' masthead: where you are, and the way back to the library. */
export function LibraryMasthead({ context }: { context: string }) {
  return (
    <Masthead>
      <a href="/library">Feed library</a> · {context}
    </Masthead>
  );
}
