"use client";

/**
 * The console's "Ask the class" card: open a question at any moment ("What
 * happens next?" with one key, `q`), watch answers come in, hide any before
 * the reveal, close, reveal with the right choice marked, and export.
 */
import { useEffect, useState } from "react";
import { QUESTION_LIMITS } from "@/domain/classroom/questions";
import button from "../../button.module.css";
import consoleStyles from "../console/console.module.css";
import { QuestionResultsView } from "./question-results";
import styles from "./questions.module.css";
import type { QuestionInput, QuestionState } from "./use-question";

export const WHAT_HAPPENS_NEXT: QuestionInput = { prompt: "What happens next?", kind: "text" };

interface Props {
  state: QuestionState;
  /** How many follow the class now (presence), for "12 of 25 answered". */
  following: number | undefined;
}

export function QuestionPanel({ state, following }: Props) {
  const full = state.full;
  const open = full?.question.status === "open";
  const closed = full?.question.status === "closed";
  const [asking, setAsking] = useState(false);

  // `q`: "What happens next?" with one key, when no question is open.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "q" || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as Element | null;
      if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return;
      if (open || closed) return;
      event.preventDefault();
      void state.open(WHAT_HAPPENS_NEXT);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open, closed, state]);

  return (
    <div className={consoleStyles.card} data-testid="question-panel">
      <h2 className={consoleStyles.heading}>Ask the class</h2>
      {full && (open || closed) ? (
        <>
          <p className={styles.prompt}>{full.question.prompt}</p>
          <p data-testid="console-answered">
            {full.answeredCount}
            {following !== undefined ? ` of ${following}` : ""} answered{full.hiddenCount > 0 ? ` · ${full.hiddenCount} hidden` : ""}
            {closed ? " · closed" : ""}
          </p>
          <ul className={styles.answers} aria-label="Answers so far">
            {full.answers.map((answer) => (
              <li key={answer.id} className={answer.hidden ? styles.hidden : undefined} data-testid="console-answer">
                <span>{answer.text ?? full.question.options[answer.choice ?? -1]}</span>
                <button type="button" className={`${button.button} ${button.small}`} aria-pressed={answer.hidden} onClick={() => void state.hide(answer.id, !answer.hidden)}>
                  {answer.hidden ? "Show" : "Hide"}
                </button>
              </li>
            ))}
          </ul>
          {open ? (
            <button type="button" className={`${button.button} ${button.primary}`} onClick={() => void state.close()}>
              Close answers
            </button>
          ) : (
            <RevealForm options={full.question.kind === "choice" ? full.question.options : []} onReveal={(correct) => void state.reveal(correct)} />
          )}
        </>
      ) : (
        <>
          {full?.question.status === "revealed" && (
            <div data-testid="console-revealed">
              <p className={styles.prompt}>{full.question.prompt}</p>
              <QuestionResultsView results={full.results} options={full.question.options} correctOption={full.question.correctOption} />
              {full.predictedCorrect !== null && (
                <p data-testid="predicted-correct">
                  {full.predictedCorrect} of {full.answeredCount} predicted it
                </p>
              )}
            </div>
          )}
          <button type="button" className={`${button.button} ${button.primary}`} onClick={() => void state.open(WHAT_HAPPENS_NEXT)} aria-keyshortcuts="q">
            Ask “What happens next?” <kbd>q</kbd>
          </button>
          {asking ? <AskForm onAsk={(question) => void state.open(question).then((asked) => asked && setAsking(false))} onCancel={() => setAsking(false)} /> : (
            <button type="button" className={`${button.button} ${button.small}`} onClick={() => setAsking(true)}>
              Another question…
            </button>
          )}
        </>
      )}
      {full && (
        <p className={styles.exports}>
          Export answers:{" "}
          <button type="button" className={`${button.button} ${button.small}`} onClick={() => void state.exportFile("csv")}>
            CSV
          </button>{" "}
          <button type="button" className={`${button.button} ${button.small}`} onClick={() => void state.exportFile("json")}>
            JSON
          </button>
        </p>
      )}
      {state.error && (
        <p className={styles.error} role="alert">
          {state.error}
        </p>
      )}
    </div>
  );
}

function RevealForm({ options, onReveal }: { options: string[]; onReveal: (correct: number | null) => void }) {
  const [correct, setCorrect] = useState("");
  return (
    <form
      className={styles.reveal}
      onSubmit={(event) => {
        event.preventDefault();
        onReveal(correct === "" ? null : Number(correct));
      }}
    >
      {options.length > 0 && (
        <label>
          What really happened{" "}
          <select value={correct} onChange={(event) => setCorrect(event.target.value)}>
            <option value="">(don't mark one)</option>
            {options.map((option, index) => (
              <option key={index} value={index}>
                {option}
              </option>
            ))}
          </select>
        </label>
      )}
      <button type="submit" className={`${button.button} ${button.primary}`}>
        Reveal to the class
      </button>
    </form>
  );
}

function AskForm({ onAsk, onCancel }: { onAsk: (question: QuestionInput) => void; onCancel: () => void }) {
  const [prompt, setPrompt] = useState("");
  const [kind, setKind] = useState<"text" | "choice">("choice");
  const [options, setOptions] = useState(["", ""]);
  return (
    <form
      className={styles.ask}
      onSubmit={(event) => {
        event.preventDefault();
        onAsk(kind === "choice" ? { prompt, kind, options } : { prompt, kind });
      }}
    >
      <label>
        Question <input value={prompt} maxLength={QUESTION_LIMITS.promptMax} onChange={(event) => setPrompt(event.target.value)} required />
      </label>
      <fieldset>
        <legend>Answers</legend>
        <label>
          <input type="radio" name="question-kind" checked={kind === "choice"} onChange={() => setKind("choice")} /> Choices
        </label>{" "}
        <label>
          <input type="radio" name="question-kind" checked={kind === "text"} onChange={() => setKind("text")} /> Short text (≤ {QUESTION_LIMITS.answerMax})
        </label>
      </fieldset>
      {kind === "choice" &&
        options.map((option, index) => (
          <label key={index} className={styles.optionInput}>
            Choice {index + 1}{" "}
            <input
              value={option}
              maxLength={QUESTION_LIMITS.optionMax}
              required
              onChange={(event) => setOptions((all) => all.map((value, i) => (i === index ? event.target.value : value)))}
            />
          </label>
        ))}
      {kind === "choice" && (
        <p>
          <button type="button" className={`${button.button} ${button.small}`} disabled={options.length >= QUESTION_LIMITS.optionsMax} onClick={() => setOptions((all) => [...all, ""])}>
            Add a choice
          </button>{" "}
          <button type="button" className={`${button.button} ${button.small}`} disabled={options.length <= QUESTION_LIMITS.optionsMin} onClick={() => setOptions((all) => all.slice(0, -1))}>
            Remove the last
          </button>
        </p>
      )}
      <p>
        <button type="submit" className={`${button.button} ${button.primary}`}>
          Ask
        </button>{" "}
        <button type="button" className={`${button.button} ${button.small}`} onClick={onCancel}>
          Cancel
        </button>
      </p>
    </form>
  );
}
