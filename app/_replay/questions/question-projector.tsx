/**
 * The question on the projector, read from the back of the room: while it is
 * open, only how many of those following have answered (no names, no text);
 * once revealed, the class's answers. The prompt and the count stay on the
 * screen; choices or answers too many for it page (paged.tsx), as a long
 * update does, rather than run off the bottom, and the clicker turns their
 * pages while the question is up.
 */
import type { PublicQuestionView } from "@/domain/classroom/questions";
import { Paged } from "../paged";
import { QuestionResultsView } from "./question-results";
import { projectsAnswers } from "./use-question";
import styles from "./questions.module.css";

export function QuestionOnProjector({ question, following }: { question: PublicQuestionView; following: number | undefined }) {
  const revealed = question.status === "revealed";
  return (
    <section className={`${styles.card} ${styles.projected}`} aria-label="Question to the class" data-testid="projected-question">
      <h2 className={styles.prompt}>{question.prompt}</h2>
      {projectsAnswers(question) && (
        <Paged className={styles.pagedAnswers} clicker resetKey={`${question.id}:${question.status}`} testId="question-pager">
          {revealed ? (
            <QuestionResultsView results={question.results} options={question.options} correctOption={question.correctOption} />
          ) : (
            <ol className={styles.optionList}>
              {question.options.map((option, index) => (
                <li key={index}>{option}</li>
              ))}
            </ol>
          )}
        </Paged>
      )}
      {!revealed && (
        <p className={styles.count} data-testid="answered-count" aria-live="polite">
          {question.answeredCount}
          {following !== undefined ? ` of ${following}` : ""} answered
          {question.status === "closed" ? " · answers closed" : ""}
        </p>
      )}
    </section>
  );
}
