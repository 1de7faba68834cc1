/**
 * The socket handlers of "Predict, then reveal": the presenter opens, closes,
 * hides and reveals; followers answer. Each change is written first, then the
 * class hears the class's view (`question:state`: how many answered, nothing
 * more until the reveal) and the presenters hear everything (`question:answers`).
 * Answers are announced at most every ANSWER_ANNOUNCE_MS per session, so that
 * a class answering at once is a few messages, not one per answer.
 */
import { nextEntryKey, publicView, QuestionReason, type QuestionRound } from "../../domain/classroom/questions";
import { ErrorReason, type ClientAcks, type ClientEventName, type ClientPayload } from "../../domain/protocol";
import { QuestionError, studentIdFor, type ClassQuestions } from "../classroom/questions";
import type { LiveSession } from "./live-session";
import { refusal } from "./session-manager";
import type { ReplayServer, ReplaySocket } from "./socket-server";

export const ANSWER_ANNOUNCE_MS = 250;

type QuestionEvent = Extract<ClientEventName, `question:${string}`>;
type Handler<E extends ClientEventName> = (socket: ReplaySocket, payload: ClientPayload<E>) => Promise<ClientAcks[E]>;

export interface QuestionHandlerContext {
  io: ReplayServer;
  questions: ClassQuestions;
  now: () => number;
  /** The session this socket has joined, or a not_joined refusal. */
  joined(socket: ReplaySocket, sessionId: string): Promise<LiveSession>;
  /** The rooms: everyone in the session, and its presenters. */
  rooms: { session(sessionId: string): string; presenters(sessionId: string): string };
}

export function questionHandlers(context: QuestionHandlerContext): { [E in QuestionEvent]: Handler<E> } {
  const { io, questions, rooms } = context;
  const pendingAnnounce = new Map<string, NodeJS.Timeout>();

  function announce(sessionId: string, round: QuestionRound): void {
    const pending = pendingAnnounce.get(sessionId);
    if (pending) {
      clearTimeout(pending);
      pendingAnnounce.delete(sessionId);
    }
    io.to(rooms.session(sessionId)).emit("question:state", { sessionId, question: publicView(round.question, round.answers, "follower") });
    io.to(rooms.presenters(sessionId)).emit("question:answers", { sessionId, question: publicView(round.question, round.answers, "presenter") });
  }

  /** An answer: announced within ANSWER_ANNOUNCE_MS, with whatever the store holds then. */
  function announceSoon(sessionId: string): void {
    if (pendingAnnounce.has(sessionId)) return;
    const timer = setTimeout(() => {
      pendingAnnounce.delete(sessionId);
      questions
        .current(sessionId)
        .then((round) => round && announce(sessionId, round))
        .catch(() => undefined); // the next change announces again
    }, ANSWER_ANNOUNCE_MS);
    timer.unref();
    pendingAnnounce.set(sessionId, timer);
  }

  async function presenting(socket: ReplaySocket, sessionId: string): Promise<LiveSession> {
    const session = await context.joined(socket, sessionId);
    if (socket.data.roles[sessionId] !== "presenter") throw refusal(ErrorReason.notPresenter, "Only the presenter can do this");
    return session;
  }

  return {
    "question:open": async (socket, { sessionId, question }) => {
      const session = await presenting(socket, sessionId);
      const sim = session.simTime(context.now());
      const round = await questions.open(session.state, question, sim, nextEntryKey(session.feed.timeline.entryTimes, session.feed.entryKeys, sim));
      announce(sessionId, round);
      return { ok: true, question: publicView(round.question, round.answers, "presenter") };
    },
    "question:close": async (socket, { sessionId, questionId }) => {
      const session = await presenting(socket, sessionId);
      const round = await questions.close(session.state, questionId);
      announce(sessionId, round);
      return { ok: true, question: publicView(round.question, round.answers, "presenter") };
    },
    "question:hide": async (socket, { sessionId, answerId, hidden }) => {
      const session = await presenting(socket, sessionId);
      const round = await questions.hide(session.state, answerId, hidden);
      announce(sessionId, round);
      return { ok: true, question: publicView(round.question, round.answers, "presenter") };
    },
    "question:reveal": async (socket, { sessionId, questionId, correctOption }) => {
      const session = await presenting(socket, sessionId);
      const round = await questions.reveal(session.state, questionId, correctOption);
      announce(sessionId, round);
      return { ok: true, question: publicView(round.question, round.answers, "presenter") };
    },
    "question:answer": async (socket, { sessionId, questionId, device, choice, text }) => {
      const session = await context.joined(socket, sessionId);
      if (socket.data.roles[sessionId] === "presenter") throw new QuestionError(QuestionReason.invalidAnswer, "The presenter asks; the class answers");
      const bound = socket.data.devices[sessionId];
      if (bound !== undefined && bound !== device) throw new QuestionError(QuestionReason.invalidAnswer, "This connection already answers for another device");
      const { round, studentId } = await questions.answer(session.state, questionId, device, { choice: choice ?? null, text: text ?? null });
      socket.data.devices[sessionId] = device;
      announceSoon(sessionId);
      return { ok: true, question: publicView(round.question, round.answers, "follower", studentId) };
    },
    "question:current": async (socket, { sessionId, device }) => {
      const session = await context.joined(socket, sessionId);
      const round = await questions.current(sessionId);
      if (!round) return { ok: true, question: null };
      if (socket.data.roles[sessionId] === "presenter") return { ok: true, question: publicView(round.question, round.answers, "presenter") };
      const viewer = device === undefined ? undefined : studentIdFor(session.state, device);
      return { ok: true, question: publicView(round.question, round.answers, "follower", viewer) };
    },
    "question:export": async (socket, { sessionId, format }) => {
      const session = await presenting(socket, sessionId);
      return { ok: true, ...(await questions.export(session.state, format)) };
    },
  };
}
