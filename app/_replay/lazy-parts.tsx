"use client";

/**
 * Parts that only some viewers see, each in its own chunk, loaded the first
 * time one is shown: the help overlay (on ?), the projector's lobby, a class's
 * questions, today's clock. The replay's first load carries what every viewer
 * needs, and these follow in a few ms on the local network.
 */
import { lazy, Suspense, type ComponentType } from "react";

function part<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  const Lazy = lazy(() => load().then((component) => ({ default: component })));
  return function Part(props: P) {
    return (
      <Suspense fallback={null}>
        <Lazy {...props} />
      </Suspense>
    );
  };
}

export const HelpOverlay = part(() => import("./help-overlay").then((module) => module.HelpOverlay));
export const Lobby = part(() => import("./lobby").then((module) => module.Lobby));
export const TodayClock = part(() => import("./today-clock").then((module) => module.TodayClock));
export const QuestionCard = part(() => import("./questions/question-card").then((module) => module.QuestionCard));
export const QuestionOnProjector = part(() => import("./questions/question-projector").then((module) => module.QuestionOnProjector));
export const SearchResults = part(() => import("./search-results").then((module) => module.SearchResults));
