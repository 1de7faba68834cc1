"use client";

/**
 * A student's question card: the teacher's question, answered on the
 * student's own device. One answer each, changeable until the teacher closes
 * it; then the class's answers once revealed. Nothing of anyone else's answer
 * shows before the reveal, only how many have answered.
 */
import { useState } from "react";
import { QUESTION_LIMITS, type PublicQuestionView } from "@/domain/classroom/questions";
import button from "../../button.module.css";
import { QuestionResultsView } from "./question-results";
import styles from "./questions.module.css";
import type { QuestionState } from "./use-question";

interface Props {
  question: PublicQuestionView;
  state: Pick<QuestionState, "answer" | "error">;
}

export function QuestionCard({ question, state }: Props) {
  const [text, setText] = useState("");
  const [sending, setSending] = useState(false);
  const mine = question.mine ?? null;
  const open = question.status === "open";
  const send = async (answer: { choice: number } | { text: string }) => {
    setSending(true);
    const sent = await state.answer(answer);
    setSending(false);
    if (sent && "text" in answer) setText("");
  };

  return (
    <section className={styles.card} aria-label="Question from your teacher" data-testid="question-card">
      <h2 className={styles.prompt}>{question.prompt}</h2>
      {open && question.kind === "choice" && (
        <div className={styles.choices} role="group" aria-label="Your answer">
          {question.options.map((option, index) => (
            <button
              key={index}
              type="button"
              className={`${button.button} ${styles.choice}`}
              aria-pressed={mine?.choice === index}
              disabled={sending}
              onClick={() => void send({ choice: index })}
            >
              {option}
            </button>
          ))}
        </div>
      )}
      {open && question.kind === "text" && (
        <form
          className={styles.textAnswer}
          onSubmit={(event) => {
            event.preventDefault();
            if (text.trim()) void send({ text });
          }}
        >
          <label htmlFor="question-answer">{mine?.text ? "Change your answer" : "Your answer"}</label>
          <input
            id="question-answer"
            value={text}
            maxLength={QUESTION_LIMITS.answerMax}
            autoComplete="off"
            onChange={(event) => setText(event.target.value)}
            aria-describedby="question-answer-count"
          />
          <span id="question-answer-count" className={styles.muted}>
            {text.length}/{QUESTION_LIMITS.answerMax}
          </span>
          <button type="submit" className={`${button.button} ${button.primary}`} disabled={sending || !text.trim()}>
            {mine?.text ? "Change" : "Send"}
          </button>
        </form>
      )}
      {mine && (
        <p className={styles.mine} data-testid="my-answer">
          You answered: <strong>{mine.text ?? question.options[mine.choice ?? -1]}</strong>
          {open ? " · you can change it until your teacher closes the question" : ""}
        </p>
      )}
      {question.status === "closed" && <p className={styles.muted}>Answers are closed. Wait for your teacher to reveal them.</p>}
      {question.status === "revealed" && <QuestionResultsView results={question.results} options={question.options} correctOption={question.correctOption} />}
      {state.error && (
        <p className={styles.error} role="alert">
          {state.error}
        </p>
      )}
    </section>
  );
}
