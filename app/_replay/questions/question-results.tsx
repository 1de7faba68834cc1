/**
 * What the class answered, once revealed: choices as a bar chart, free text
 * grouped by identical answers with counts. The same on a phone, the console
 * and the projector (the projector's tokens make it larger).
 */
import type { QuestionResults } from "@/domain/classroom/questions";
import styles from "./questions.module.css";

interface Props {
  results: QuestionResults;
  options: string[];
  correctOption: number | null;
}

export function QuestionResultsView({ results, options, correctOption }: Props) {
  if (results.total === 0) return <p className={styles.muted}>Nobody answered.</p>;
  if (results.kind === "choice") {
    const most = Math.max(1, ...results.counts);
    return (
      <ol className={styles.bars} aria-label="Answers">
        {options.map((option, index) => {
          const count = results.counts[index] ?? 0;
          const right = correctOption === index;
          return (
            <li key={index} className={right ? styles.right : undefined} data-testid="result-bar">
              <span className={styles.barLabel}>
                {option}
                {right && <strong> ✓ what happened</strong>}
              </span>
              <span className={styles.barTrack}>
                <span className={styles.bar} style={{ width: `${(count / most) * 100}%` }} />
              </span>
              <span className={styles.barCount}>{count}</span>
            </li>
          );
        })}
      </ol>
    );
  }
  return (
    <ol className={styles.groups} aria-label="Answers">
      {results.groups.map((group) => (
        <li key={group.text} data-testid="result-group">
          <span>{group.text}</span> <span className={styles.barCount}>×{group.count}</span>
        </li>
      ))}
    </ol>
  );
}
