/**
 * The question on the projector, read from the back of the room: while it is
 * open, only how many of those following have answered (no names, no text);
 * once revealed, the class's answers.
 */
import type { PublicQuestionView } from "@/domain/classroom/questions";
import { QuestionResultsView } from "./question-results";
import styles from "./questions.module.css";

export function QuestionOnProjector({ question, following }: { question: PublicQuestionView; following: number | undefined }) {
  return (
    <section className={`${styles.card} ${styles.projected}`} aria-label="Question to the class" data-testid="projected-question">
      <h2 className={styles.prompt}>{question.prompt}</h2>
      {question.kind === "choice" && question.status !== "revealed" && (
        <ol className={styles.optionList}>
          {question.options.map((option, index) => (
            <li key={index}>{option}</li>
          ))}
        </ol>
      )}
      {question.status !== "revealed" && (
        <p className={styles.count} data-testid="answered-count" aria-live="polite">
          {question.answeredCount}
          {following !== undefined ? ` of ${following}` : ""} answered
          {question.status === "closed" ? " · answers closed" : ""}
        </p>
      )}
      {question.status === "revealed" && <QuestionResultsView results={question.results} options={question.options} correctOption={question.correctOption} />}
    </section>
  );
}
