"use client";
/**
 * Import in three steps: give a file or a text, preview what would be saved (metadata to confirm
 * or correct, entries in replay order, every anomaly, what a re-import changes), then save. The
 * server parses the same bytes for both steps; saving is one transaction.
 */
import { useState } from "react";
import type { FeedPreview } from "@/domain/import/preview";
import button from "../../button.module.css";
import styles from "../library.module.css";
import { libraryFetch } from "../library-fetch";
import { PreviewView } from "./preview-view";

const META = [
  { name: "slug", label: "Slug (its address: lowercase words and dashes)" },
  { name: "title", label: "Title" },
  { name: "outlet", label: "Outlet" },
  { name: "publishedZone", label: "Zone of the printed times (e.g. GMT, Europe/London)" },
  { name: "eventZone", label: "Zone of the event (IANA, e.g. Europe/Helsinki)" },
  { name: "eventDate", label: "Date of the times (yyyy-MM-dd, in that zone)" },
  { name: "sourceUrl", label: "Source address (optional)" },
] as const;
type MetaName = (typeof META)[number]["name"];

type Failure = { message: string; field?: string; line?: number };
type PreviewAnswer = { preview: FeedPreview; liveSessions: { shared: number; solo: number } };
type Saved = { slug: string; entries: number };

export function ImportForm({ limits }: { limits: { bytes: number; bytesLabel: string; entries: number } }) {
  const [source, setSource] = useState<"file" | "paste">("file");
  const [file, setFile] = useState<File | null>(null);
  const [text, setText] = useState("");
  const [meta, setMeta] = useState<Partial<Record<MetaName, string>>>({});
  const [failure, setFailure] = useState<Failure>();
  const [answer, setAnswer] = useState<PreviewAnswer>();
  const [saved, setSaved] = useState<Saved>();
  const [busy, setBusy] = useState(false);

  // Another file is another feed: what was detected in the last one no longer applies.
  function chooseFile(next: File | null) {
    setFile(next);
    setMeta({});
    setAnswer(undefined);
  }

  function upload(step: "preview" | "import") {
    const body: Blob | null = source === "file" ? file : new Blob([text], { type: "text/plain" });
    if (!body || body.size === 0) return { error: source === "file" ? "Choose a file first." : "Paste the live blog first." };
    if (body.size > limits.bytes) return { error: `${source === "file" ? file!.name : "The text"} is ${(body.size / 1048576).toFixed(1)} MiB; the limit is ${limits.bytesLabel}.` };
    const query = new URLSearchParams();
    if (source === "file") query.set("name", file!.name);
    for (const [k, v] of Object.entries(meta)) if (v?.trim()) query.set(k, v.trim());
    return { request: libraryFetch<PreviewAnswer & Saved>(`/api/library/${step}?${query}`, { method: "POST", headers: { "Content-Type": "application/octet-stream" }, body }) };
  }

  async function run(step: "preview" | "import") {
    const started = upload(step);
    setFailure(undefined);
    setSaved(undefined);
    if ("error" in started) return setFailure({ message: started.error!, field: "file" });
    setBusy(true);
    const result = await started.request!;
    setBusy(false);
    if (!result.ok) {
      setAnswer(undefined);
      return setFailure(result);
    }
    if (step === "import") {
      setAnswer(undefined);
      return setSaved(result.data);
    }
    setAnswer(result.data);
    // What was detected becomes the form's values, to confirm or correct and preview again.
    const detected: Partial<Record<MetaName, string>> = {};
    for (const { name } of META) {
      const value = result.data.preview.detected[name]?.value ?? (result.data.preview.feed as Record<string, unknown>)[name];
      if (typeof value === "string") detected[name] = value;
    }
    setMeta((old) => ({ ...detected, ...Object.fromEntries(Object.entries(old).filter(([, v]) => v?.trim())) }));
  }

  const metaError = failure?.field && META.some((m) => m.name === failure.field) ? failure.field : undefined;
  return (
    <>
      <form
        className={styles.panel}
        aria-labelledby="source-title"
        onSubmit={(event) => {
          event.preventDefault();
          void run("preview");
        }}
      >
        <h2 className="section-title" id="source-title">
          The live blog
        </h2>
        <p className={styles.hint}>
          A saved page of a live blog (its <code>LiveBlogPosting</code> JSON-LD is read), a <code>LiveBlogPosting</code> JSON, or the plain-text
          format. Up to {limits.bytesLabel} and {limits.entries.toLocaleString("en-GB")} updates.
        </p>
        <fieldset className={styles.choice}>
          <legend>Give it as</legend>
          <label>
            <input type="radio" name="source" checked={source === "file"} onChange={() => setSource("file")} /> a file
          </label>
          <label>
            <input type="radio" name="source" checked={source === "paste"} onChange={() => setSource("paste")} /> pasted text
          </label>
        </fieldset>
        {source === "file" ? (
          <>
            <label htmlFor="feed-file">File (.html, .json or .txt)</label>
            <input id="feed-file" type="file" accept=".html,.htm,.json,.jsonld,.txt,text/html,application/json,text/plain" onChange={(e) => chooseFile(e.currentTarget.files?.[0] ?? null)} />
          </>
        ) : (
          <>
            <label htmlFor="feed-text">Text</label>
            <textarea id="feed-text" rows={10} value={text} onChange={(e) => setText(e.currentTarget.value)} className={styles.textarea} />
          </>
        )}
        <details className={styles.meta} open={Boolean(answer) || Boolean(metaError)}>
          <summary>Metadata {answer ? "(detected: confirm or correct, then preview again)" : "(needed for plain text; read from the page otherwise)"}</summary>
          <div className={styles.grid}>
            {META.map(({ name, label }) => (
              <div key={name}>
                <label htmlFor={`meta-${name}`}>{label}</label>
                <input
                  id={`meta-${name}`}
                  value={meta[name] ?? ""}
                  aria-invalid={metaError === name ? true : undefined}
                  aria-describedby={metaError === name ? "import-error" : undefined}
                  onChange={(e) => setMeta({ ...meta, [name]: e.currentTarget.value })}
                />
                {answer?.preview.detected[name]?.from === "guessed" && <p className={styles.guess}>Guessed{answer.preview.detected[name]?.note ? `: ${answer.preview.detected[name]!.note}` : ""}. Please check.</p>}
              </div>
            ))}
          </div>
        </details>
        <div className={styles.row}>
          <button type="submit" className={`${button.button} ${answer ? "" : button.primary}`} disabled={busy}>
            {answer ? "Preview again" : "Preview"}
          </button>
        </div>
        {failure && (
          <p id="import-error" role="alert" className={styles.error}>
            {failure.line !== undefined && !failure.message.startsWith("line") ? `Line ${failure.line}: ` : ""}
            {failure.message}
          </p>
        )}
        {busy && <p role="status">Working…</p>}
      </form>
      {saved && (
        <p role="status" className={styles.saved}>
          Saved: {saved.entries} updates in <a href={`/library/${saved.slug}`}>{saved.slug}</a> ·{" "}
          <a href={`/replay/${saved.slug}`}>replay it</a>
        </p>
      )}
      {answer && (
        <PreviewView
          preview={answer.preview}
          liveSessions={answer.liveSessions}
          busy={busy}
          onSave={() => void run("import")}
        />
      )}
    </>
  );
}
