import type { Metadata } from "next";
import { formatBytes, MAX_ENTRIES, MAX_UPLOAD_BYTES } from "@/domain/import/limits";
import { hasLibraryAccess } from "../access";
import { KeyForm } from "../key-form";
import { LibraryMasthead } from "../masthead";
import { ImportForm } from "./import-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Import a live blog" };

export default async function ImportPage() {
  const allowed = await hasLibraryAccess();
  return (
    <main className="page">
      <LibraryMasthead context="import" />
      <h1 className="feed-title">Import a live blog</h1>
      {allowed ? <ImportForm limits={{ bytes: MAX_UPLOAD_BYTES, bytesLabel: formatBytes(MAX_UPLOAD_BYTES), entries: MAX_ENTRIES }} /> : <KeyForm />}
    </main>
  );
}
