/**
 * The socket handlers of "Predict, then reveal": the presenter opens, closes,
 * hides and reveals; followers answer. Each change is written first, then the
 * class hears the class's view (`question:state`: how many answered, nothing
 * more until the reveal) and the presenters hear everything (`question:answers`).
 * Answers are announced at most every ANSWER_ANNOUNCE_MS per session, so that
 * a class answering at once is a few messages, not one per answer.
 */
import { nextEntryKey, publicView, QuestionReason, type QuestionRound } from "../../domain/classroom/questions";
import { ErrorReason, type ClientEventName } from "../../domain/protocol";
import { QuestionError, studentIdFor, type ClassQuestions } from "../classroom/questions";
import type { LiveSession } from "./live-session";
import { RefusalError } from "./refusals";
import type { Handler } from "./socket/dispatch";
import { presenterRoom, sessionRoom, type Peer, type Rooms } from "./socket/transport";

export const ANSWER_ANNOUNCE_MS = 250;

type QuestionEvent = Extract<ClientEventName, `question:${string}`>;
export interface QuestionHandlerContext {
  rooms: Rooms;
  questions: ClassQuestions;
  now: () => number;
  /** The session this peer has joined, or a not_joined refusal. */
  joined(peer: Peer, sessionId: string): Promise<LiveSession>;
}

export function questionHandlers(context: QuestionHandlerContext): { [E in QuestionEvent]: Handler<E> } {
  const { questions, rooms } = context;
  const pendingAnnounce = new Map<string, ReturnType<typeof setTimeout>>();

  function announce(sessionId: string, round: QuestionRound): void {
    const pending = pendingAnnounce.get(sessionId);
    if (pending) {
      clearTimeout(pending);
      pendingAnnounce.delete(sessionId);
    }
    rooms.emit({ rooms: sessionRoom(sessionId) }, "question:state", { sessionId, question: publicView(round.question, round.answers, "follower") });
    rooms.emit({ rooms: presenterRoom(sessionId) }, "question:answers", { sessionId, question: publicView(round.question, round.answers, "presenter") });
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
    timer.unref?.();
    pendingAnnounce.set(sessionId, timer);
  }

  async function presenting(peer: Peer, sessionId: string): Promise<LiveSession> {
    const session = await context.joined(peer, sessionId);
    if (peer.data.roles[sessionId] !== "presenter") throw new RefusalError(ErrorReason.notPresenter, "Only the presenter can do this");
    return session;
  }

  return {
    "question:open": async (peer, { sessionId, question }) => {
      const session = await presenting(peer, sessionId);
      const sim = session.simTime(context.now());
      const round = await questions.open(session.state, question, sim, nextEntryKey(session.feed.timeline.entryTimes, session.feed.entryKeys, sim));
      announce(sessionId, round);
      return { ok: true, question: publicView(round.question, round.answers, "presenter") };
    },
    "question:close": async (peer, { sessionId, questionId }) => {
      const session = await presenting(peer, sessionId);
      const round = await questions.close(session.state, questionId);
      announce(sessionId, round);
      return { ok: true, question: publicView(round.question, round.answers, "presenter") };
    },
    "question:hide": async (peer, { sessionId, answerId, hidden }) => {
      const session = await presenting(peer, sessionId);
      const round = await questions.hide(session.state, answerId, hidden);
      announce(sessionId, round);
      return { ok: true, question: publicView(round.question, round.answers, "presenter") };
    },
    "question:reveal": async (peer, { sessionId, questionId, correctOption }) => {
      const session = await presenting(peer, sessionId);
      const round = await questions.reveal(session.state, questionId, correctOption);
      announce(sessionId, round);
      return { ok: true, question: publicView(round.question, round.answers, "presenter") };
    },
    "question:answer": async (peer, { sessionId, questionId, device, choice, text }) => {
      const session = await context.joined(peer, sessionId);
      if (peer.data.roles[sessionId] === "presenter") throw new QuestionError(QuestionReason.invalidAnswer, "The presenter asks; the class answers");
      const bound = peer.data.devices[sessionId];
      if (bound !== undefined && bound !== device) throw new QuestionError(QuestionReason.invalidAnswer, "This connection already answers for another device");
      const { round, studentId } = await questions.answer(session.state, questionId, device, { choice: choice ?? null, text: text ?? null });
      peer.data.devices[sessionId] = device;
      announceSoon(sessionId);
      return { ok: true, question: publicView(round.question, round.answers, "follower", studentId) };
    },
    "question:current": async (peer, { sessionId, device }) => {
      const session = await context.joined(peer, sessionId);
      const round = await questions.current(sessionId);
      if (!round) return { ok: true, question: null };
      if (peer.data.roles[sessionId] === "presenter") return { ok: true, question: publicView(round.question, round.answers, "presenter") };
      const viewer = device === undefined ? undefined : studentIdFor(session.state, device);
      return { ok: true, question: publicView(round.question, round.answers, "follower", viewer) };
    },
    "question:export": async (peer, { sessionId, format }) => {
      const session = await presenting(peer, sessionId);
      return { ok: true, ...(await questions.export(session.state, format)) };
    },
  };
}
