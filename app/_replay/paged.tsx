"use client";

/**
 * Text too long for its box on the projector, shown a page at a time rather
 * than cut off (paged-box.tsx). Off the projector the children are shown as
 * they are, and the paging code is never loaded.
 */
import { lazy, Suspense, type ReactNode } from "react";

const PagedBox = lazy(() => import("./paged-box").then((module) => ({ default: module.PagedBox })));

export interface PagedProps {
  children: ReactNode;
  className?: string | undefined;
  /** The clicker's page keys turn this box's pages. */
  clicker?: boolean;
  resetKey?: string | undefined;
  testId?: string;
  /** Not paged: the children as they are (off the projector). */
  off?: boolean;
}

export function Paged({ off = false, ...props }: PagedProps) {
  if (off) return props.children;
  return (
    <Suspense fallback={<div className={props.className}>{props.children}</div>}>
      <PagedBox {...props} />
    </Suspense>
  );
}
