"use client";

/**
 * The session's current question, as this screen may see it: the class's view
 * for followers and the projector, everything for the presenter. Read once on
 * joining (and after every reconnect), then kept up by `question:state` and
 * `question:answers`. Answers and the presenter's steps go out here; a refusal
 * comes back as a message, as for every other control.
 */
import { useCallback, useEffect, useState } from "react";
import type { ReplayClient } from "@/client/replay-client";
import { request, RequestRefused } from "@/client/request";
import type { PresenterQuestionView, PublicQuestionView } from "@/domain/classroom/questions";
import type { ClientPayload } from "@/domain/protocol";

export type QuestionInput = ClientPayload<"question:open">["question"];

/**
 * Whether the projector lists something under the question's prompt (its
 * choices, or once revealed the answers): that list pages, and takes the
 * clicker from the update beneath while it is up.
 */
export function projectsAnswers(question: PublicQuestionView): boolean {
  return question.status === "revealed" || question.kind === "choice";
}

export interface QuestionState {
  /** The class's view (followers, projector), or null before any question. */
  current: PublicQuestionView | null;
  /** Everything, for the presenter. */
  full: PresenterQuestionView | null;
  /** Why the last step or answer was refused. */
  error: string | undefined;
  answer(answer: { choice: number } | { text: string }): Promise<boolean>;
  open(question: QuestionInput): Promise<boolean>;
  close(): Promise<boolean>;
  hide(answerId: string, hidden: boolean): Promise<boolean>;
  reveal(correctOption: number | null): Promise<boolean>;
  exportFile(format: "csv" | "json"): Promise<boolean>;
}

const DEVICE_KEY = "relive:device";

/** This browser's own random token: one answer per device, under a pseudonym the server derives. */
export function deviceToken(): string {
  try {
    const kept = localStorage.getItem(DEVICE_KEY);
    if (kept && /^[A-Za-z0-9_-]{16,128}$/.test(kept)) return kept;
  } catch {
    // storage refused (private mode): a token for this page only
  }
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  const token = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  try {
    localStorage.setItem(DEVICE_KEY, token);
  } catch {
    // as above
  }
  return token;
}

export function useQuestion(client: ReplayClient | undefined, sessionId: string | undefined, presenter: boolean): QuestionState {
  const [current, setCurrent] = useState<PublicQuestionView | null>(null);
  const [full, setFull] = useState<PresenterQuestionView | null>(null);
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    if (!client || !sessionId) return;
    const socket = client.socket;
    const device = presenter ? undefined : deviceToken();
    let cancelled = false;
    const onState = (payload: { sessionId: string; question: PublicQuestionView | null }) => {
      if (payload.sessionId !== sessionId) return;
      // Keep this device's own answer: the broadcast is the same for the whole class.
      setCurrent((previous) => (payload.question && previous?.id === payload.question.id && previous.mine ? { ...payload.question, mine: previous.mine } : payload.question));
    };
    const onAnswers = (payload: { sessionId: string; question: PresenterQuestionView }) => {
      if (payload.sessionId === sessionId) setFull(payload.question);
    };
    const read = () =>
      request(socket, "question:current", { sessionId, ...(device ? { device } : {}) })
        .then(({ question }) => {
          if (cancelled) return;
          if (question && "answers" in question) {
            setFull(question);
            setCurrent(null);
          } else setCurrent(question);
        })
        .catch(() => undefined); // read again on the next reconnect
    const raw = socket as unknown as { on(event: string, handler: unknown): void; off(event: string, handler: unknown): void };
    raw.on("question:state", onState);
    raw.on("question:answers", onAnswers);
    // A rejoin follows every reconnect; read after it, so the question is never older than the session.
    const onReconnect = () => setTimeout(read, 300);
    socket.io.on("reconnect", onReconnect);
    void read();
    return () => {
      cancelled = true;
      raw.off("question:state", onState);
      raw.off("question:answers", onAnswers);
      socket.io.off("reconnect", onReconnect);
    };
  }, [client, sessionId, presenter]);

  const attempt = useCallback(async (step: () => Promise<void>): Promise<boolean> => {
    try {
      await step();
      setError(undefined);
      return true;
    } catch (caught) {
      setError(caught instanceof RequestRefused ? caught.refusal.message : "Could not reach the server; try again");
      return false;
    }
  }, []);

  const presenterStep = useCallback(
    (step: (socket: ReplayClient["socket"], sessionId: string) => Promise<{ question: PresenterQuestionView }>) =>
      attempt(async () => {
        if (!client || !sessionId) throw new Error("not joined");
        setFull((await step(client.socket, sessionId)).question);
      }),
    [attempt, client, sessionId],
  );
  const questionId = full?.question.id ?? current?.id;

  return {
    current,
    full,
    error,
    answer: (answer) =>
      attempt(async () => {
        if (!client || !sessionId || !current) throw new Error("no question");
        const { question } = await request(client.socket, "question:answer", { sessionId, questionId: current.id, device: deviceToken(), ...answer });
        setCurrent(question);
      }),
    open: (question) => presenterStep((socket, id) => request(socket, "question:open", { sessionId: id, question })),
    close: () => presenterStep((socket, id) => request(socket, "question:close", { sessionId: id, questionId: questionId! })),
    hide: (answerId, hidden) => presenterStep((socket, id) => request(socket, "question:hide", { sessionId: id, answerId, hidden })),
    reveal: (correctOption) => presenterStep((socket, id) => request(socket, "question:reveal", { sessionId: id, questionId: questionId!, correctOption })),
    exportFile: (format) =>
      attempt(async () => {
        if (!client || !sessionId) throw new Error("not joined");
        const file = await request(client.socket, "question:export", { sessionId, format });
        const url = URL.createObjectURL(new Blob([file.body], { type: file.contentType }));
        const link = document.createElement("a");
        link.href = url;
        link.download = file.filename;
        link.click();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
      }),
  };
}
