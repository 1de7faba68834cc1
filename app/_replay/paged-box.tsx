"use client";

/**
 * The paging itself, loaded on the projector only (paged.tsx): a page turns by itself every PAGE_MS, and with `clicker` the
 * presentation clicker's keys turn it (PageDown or ↓ next, PageUp or ↑
 * back; on the projector these keys control nothing else). Consecutive pages
 * share a line, so no line is lost between them. A new `resetKey` (a new
 * featured entry) starts again at the first page.
 */
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import type { PagedProps } from "./paged";
import styles from "./paged.module.css";

/** How long a page stays before the next one comes up by itself. */
export const PAGE_MS = 12_000;

const NEXT_KEYS = new Set(["PageDown", "ArrowDown"]);
const BACK_KEYS = new Set(["PageUp", "ArrowUp"]);

export function PagedBox({ children, className, clicker = false, resetKey, testId }: Omit<PagedProps, "off">) {
  const box = useRef<HTMLDivElement>(null);
  const [page, setPage] = useState(0);
  const [pages, setPages] = useState(1);
  const [shownFor, setShownFor] = useState(resetKey);
  if (shownFor !== resetKey) {
    setShownFor(resetKey);
    setPage(0);
  }

  // How many pages the content needs at this size, measured again whenever the box or its content resizes.
  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    const measure = () => setPages(pageCount(element));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    if (element.firstElementChild) observer.observe(element.firstElementChild);
    return () => observer.disconnect();
  }, [resetKey]);

  const shown = Math.min(page, pages - 1);
  useLayoutEffect(() => {
    const element = box.current;
    if (element) element.scrollTop = shown * pageStep(element);
  }, [shown, pages]);

  // The next page by itself, back to the first after the last.
  useEffect(() => {
    if (pages <= 1) return;
    const timer = setTimeout(() => setPage((current) => (current + 1) % pages), PAGE_MS);
    return () => clearTimeout(timer);
  }, [shown, pages]);

  useEffect(() => {
    if (!clicker) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const direction = NEXT_KEYS.has(event.key) ? 1 : BACK_KEYS.has(event.key) ? -1 : 0;
      if (direction === 0) return;
      event.preventDefault();
      setPage((current) => Math.max(0, Math.min(pages - 1, Math.min(current, pages - 1) + direction)));
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [clicker, pages]);

  return (
    <div className={[styles.frame, className].filter(Boolean).join(" ")}>
      <div className={styles.box} ref={box} data-pager={pages > 1 ? "paged" : "whole"} data-page={shown > 0 ? "later" : "first"} data-testid={testId}>
        <div>{children}</div>
      </div>
      {pages > 1 && (
        <p className={styles.mark} data-testid={testId && `${testId}-page`}>
          {shown + 1} / {pages}
          {clicker && <span className={styles.hint}> · PageDown for more</span>}
        </p>
      )}
    </div>
  );
}

/** A page is the box's height less one line, so the last line of a page is the first of the next. */
function pageStep(element: HTMLElement): number {
  const line = parseFloat(getComputedStyle(element).lineHeight) || 40;
  return Math.max(1, element.clientHeight - line);
}

function pageCount(element: HTMLElement): number {
  const extra = element.scrollHeight - element.clientHeight;
  return extra <= 1 ? 1 : 1 + Math.ceil(extra / pageStep(element));
}
