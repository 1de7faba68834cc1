"use client";

/**
 * The projector's screen: kept awake, its controls shown on mouse move and
 * faded 3 s later, and blanked (by b or ".", or by the console for the class).
 */
import { useEffect, useState } from "react";
import styles from "./projector-screen.module.css";

const CONTROLS_FADE_MS = 3000;

type WakeLockSentinel = { release(): Promise<void> };
type WakeLockNavigator = Navigator & { wakeLock?: { request(type: "screen"): Promise<WakeLockSentinel> } };

/** Whether the controls are showing: always off the projector; on it, for 3 s after the mouse moves. */
export function useProjectorScreen(projector: boolean): { controlsVisible: boolean } {
  const [controlsVisible, setControlsVisible] = useState(!projector);

  useEffect(() => {
    if (!projector) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const show = () => {
      setControlsVisible(true);
      clearTimeout(timer);
      timer = setTimeout(() => setControlsVisible(false), CONTROLS_FADE_MS);
    };
    window.addEventListener("mousemove", show);
    let lock: WakeLockSentinel | undefined;
    const requestLock = async () => {
      try {
        const wakeLock = (navigator as WakeLockNavigator).wakeLock;
        if (wakeLock && document.visibilityState === "visible") lock = await wakeLock.request("screen");
      } catch {
        // not allowed (no user gesture, battery saver): the screen may sleep
      }
    };
    void requestLock();
    const onVisible = () => void (document.visibilityState === "visible" && requestLock());
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      clearTimeout(timer);
      window.removeEventListener("mousemove", show);
      document.removeEventListener("visibilitychange", onVisible);
      void lock?.release().catch(() => undefined);
    };
  }, [projector]);

  return { controlsVisible };
}

/** Black over everything; a click brings the replay back. */
export function BlankScreen({ onClick }: { onClick: () => void }) {
  return <div className={styles.blank} data-testid="blank" onClick={onClick} />;
}
