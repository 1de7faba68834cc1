/**
 * "Predict, then reveal": the rules of a question put to a class session, and
 * what each screen may see of it. Pure and without zod, so that the browser
 * bundle can import it; time is an argument, never read.
 *
 * A question is open (students answer, and may change their answer), then
 * closed (no more answers), then revealed (the class sees the results and,
 * if the presenter marked one, the right choice). Until the reveal, the class
 * learns only how many have answered: never who, what, or which choice is right.
 */

export const QUESTION_LIMITS = {
  promptMax: 200,
  optionsMin: 2,
  optionsMax: 6,
  optionMax: 80,
  answerMax: 140,
} as const;

export type QuestionKind = "text" | "choice";
export type QuestionStatus = "open" | "closed" | "revealed";

export interface Question {
  id: string;
  sessionId: string;
  prompt: string;
  kind: QuestionKind;
  /** The choices of a "choice" question; [] for "text". */
  options: string[];
  status: QuestionStatus;
  /** Index into options, marked by the presenter at the reveal; null if none. */
  correctOption: number | null;
  /** Wall time, ISO 8601. */
  openedAt: string;
  /** Simulated time (epoch ms) when it was opened. */
  simAt: number;
  /** Key of the first entry not yet published at simAt (what the class predicts), or null at the end. */
  beforeEntryKey: string | null;
  closedAt: string | null;
  revealedAt: string | null;
}

export interface Answer {
  id: string;
  questionId: string;
  /** Pseudonymous, per device and session: "s-" and 8 characters. Never the device token. */
  studentId: string;
  /** Index into the options (choice questions); null for text. */
  choice: number | null;
  /** The typed answer (text questions), cleaned; null for choice. */
  text: string | null;
  answeredAt: string;
  /** Hidden by the presenter: left out of everything the class sees. */
  hidden: boolean;
}

/** A question with every answer to it (hidden ones included). */
export interface QuestionRound {
  question: Question;
  answers: Answer[];
}

/** Why a question request was refused; defined with the protocol's other reasons, which these join. */
export { QuestionReason } from "../protocol-constants";
import { QuestionReason } from "../protocol-constants";

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: QuestionReason; message: string };

const fail = (reason: QuestionReason, message: string) => ({ ok: false as const, reason, message });

// ---------------------------------------------------------------------------
// Text

/** Trimmed, every run of whitespace (line breaks included) one space, NFC. */
export function cleanText(text: string): string {
  return text.normalize("NFC").replace(/\s+/gu, " ").trim();
}

/** Length as people count it: code points, so an emoji is one, not two. */
export function textLength(text: string): number {
  return [...text].length;
}

/**
 * Why a cleaned text cannot be shown, or undefined if it can. Control
 * characters (PostgreSQL refuses NUL) and lone surrogates are refused; a text
 * must hold something visible, not only zero-width characters.
 */
function unshowable(text: string): string | undefined {
  if (/\p{Cc}/u.test(text)) return "contains control characters";
  if (/\p{Surrogate}/u.test(text)) return "is not valid Unicode";
  if (!/[\p{L}\p{N}\p{P}\p{S}]/u.test(text)) return "is empty";
  return undefined;
}

// ---------------------------------------------------------------------------
// Validation

export interface QuestionInput {
  prompt: string;
  kind: QuestionKind;
  /** Required for "choice"; must be absent or [] for "text". */
  options?: string[];
}

/** A new question as it will be stored (texts cleaned), or why not. */
export function validateQuestion(input: QuestionInput): Checked<{ prompt: string; kind: QuestionKind; options: string[] }> {
  const invalid = (message: string) => fail(QuestionReason.invalidQuestion, message);
  if (input === null || typeof input !== "object") return invalid("A question needs a prompt and a kind");
  if (input.kind !== "text" && input.kind !== "choice") return invalid('A question is of kind "text" or "choice"');
  if (typeof input.prompt !== "string") return invalid("The question needs a prompt");
  const prompt = cleanText(input.prompt);
  const promptProblem = unshowable(prompt);
  if (promptProblem) return invalid(`The prompt ${promptProblem}`);
  if (textLength(prompt) > QUESTION_LIMITS.promptMax) return invalid(`The prompt is longer than ${QUESTION_LIMITS.promptMax} characters`);
  const raw = input.options ?? [];
  if (!Array.isArray(raw) || raw.some((option) => typeof option !== "string")) return invalid("Options are a list of texts");
  if (input.kind === "text") {
    if (raw.length > 0) return invalid("A free-text question has no options");
    return { ok: true, value: { prompt, kind: "text", options: [] } };
  }
  const { optionsMin, optionsMax, optionMax } = QUESTION_LIMITS;
  if (raw.length < optionsMin || raw.length > optionsMax) return invalid(`A choice question has ${optionsMin} to ${optionsMax} options`);
  const options = raw.map(cleanText);
  const seen = new Set<string>();
  for (const [i, option] of options.entries()) {
    const problem = unshowable(option);
    if (problem) return invalid(`Option ${i + 1} ${problem}`);
    if (textLength(option) > optionMax) return invalid(`Option ${i + 1} is longer than ${optionMax} characters`);
    // Two bars with the same label could not be told apart.
    const key = groupKey(option);
    if (seen.has(key)) return invalid(`Option ${i + 1} repeats an earlier option`);
    seen.add(key);
  }
  return { ok: true, value: { prompt, kind: "choice", options } };
}

export interface AnswerInput {
  choice?: number | null;
  text?: string | null;
}

/** An answer as it will be stored (text cleaned), or why not. The question must be open. */
export function validateAnswer(question: Question, input: AnswerInput): Checked<{ choice: number | null; text: string | null }> {
  if (question.status !== "open") return fail(QuestionReason.questionClosed, "This question no longer takes answers");
  const invalid = (message: string) => fail(QuestionReason.invalidAnswer, message);
  if (input === null || typeof input !== "object") return invalid("An answer is a choice or a text");
  const choice = input.choice ?? null;
  const text = input.text ?? null;
  if (question.kind === "choice") {
    if (text !== null) return invalid("This question takes a choice, not a text");
    if (typeof choice !== "number" || !Number.isInteger(choice) || choice < 0 || choice >= question.options.length) {
      return invalid(`Choose one of the ${question.options.length} options`);
    }
    return { ok: true, value: { choice, text: null } };
  }
  if (choice !== null) return invalid("This question takes a text, not a choice");
  if (typeof text !== "string") return invalid("Type an answer");
  const cleaned = cleanText(text);
  const problem = unshowable(cleaned);
  if (problem) return invalid(`The answer ${problem}`);
  if (textLength(cleaned) > QUESTION_LIMITS.answerMax) return invalid(`An answer has at most ${QUESTION_LIMITS.answerMax} characters`);
  return { ok: true, value: { choice: null, text: cleaned } };
}

/** The right choice the presenter marks at the reveal: an option's index, or null (none). */
export function validateCorrectOption(question: Question, correctOption: number | null): Checked<number | null> {
  if (correctOption === null) return { ok: true, value: null };
  if (question.kind !== "choice") return fail(QuestionReason.invalidQuestion, "A free-text question has no right choice to mark");
  if (!Number.isInteger(correctOption) || correctOption < 0 || correctOption >= question.options.length) {
    return fail(QuestionReason.invalidQuestion, `The right choice is one of the ${question.options.length} options`);
  }
  return { ok: true, value: correctOption };
}

// ---------------------------------------------------------------------------
// Results

export interface TextGroup {
  /** The most common spelling in the group (the earliest on a tie). */
  text: string;
  count: number;
}

export type QuestionResults =
  | { kind: "choice"; /** Answers per option, in option order. */ counts: number[]; total: number }
  | { kind: "text"; /** Identical answers together, most common first. */ groups: TextGroup[]; total: number };

/** What makes two answers "identical": cleaned, compatibility-normalized, case-insensitive. */
export function groupKey(text: string): string {
  return cleanText(text).normalize("NFKC").toLowerCase();
}

function byTime(a: Answer, b: Answer): number {
  return a.answeredAt < b.answeredAt ? -1 : a.answeredAt > b.answeredAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The results the class sees at the reveal. Hidden answers are left out. */
export function results(question: Question, answers: readonly Answer[]): QuestionResults {
  const shown = answers.filter((answer) => !answer.hidden && answer.questionId === question.id);
  if (question.kind === "choice") {
    const counts = question.options.map(() => 0);
    for (const answer of shown) if (answer.choice !== null && answer.choice >= 0 && answer.choice < counts.length) counts[answer.choice]!++;
    return { kind: "choice", counts, total: counts.reduce((sum, n) => sum + n, 0) };
  }
  const groups = new Map<string, { count: number; first: number; spellings: Map<string, number> }>();
  shown
    .filter((answer) => answer.text !== null)
    .sort(byTime)
    .forEach((answer, order) => {
      const spelling = cleanText(answer.text!);
      const key = groupKey(spelling);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { count: 0, first: order, spellings: new Map() }));
      group.count++;
      // A Map keeps insertion order, so on a tie the earliest spelling wins below.
      group.spellings.set(spelling, (group.spellings.get(spelling) ?? 0) + 1);
    });
  const sorted = [...groups.values()].sort((a, b) => b.count - a.count || a.first - b.first);
  return {
    kind: "text",
    groups: sorted.map((group) => {
      let best = "";
      let bestCount = 0;
      for (const [spelling, count] of group.spellings) if (count > bestCount) [best, bestCount] = [spelling, count];
      return { text: best, count: group.count };
    }),
    total: sorted.reduce((sum, group) => sum + group.count, 0),
  };
}

/** How many (shown) answers chose the right option; null if no right choice is marked. */
export function predictedCorrect(question: Question, answers: readonly Answer[]): number | null {
  if (question.kind !== "choice" || question.correctOption === null) return null;
  return answers.filter((answer) => !answer.hidden && answer.questionId === question.id && answer.choice === question.correctOption).length;
}

// ---------------------------------------------------------------------------
// Views

/** Who looks: the console sees everything; followers and the projector see the class's view. */
export type ViewRole = "presenter" | "follower" | "projector";

/** A follower's own answer, as it stands. */
export interface OwnAnswer {
  choice: number | null;
  text: string | null;
  answeredAt: string;
}

interface PublicBase {
  id: string;
  sessionId: string;
  prompt: string;
  kind: QuestionKind;
  options: string[];
  openedAt: string;
  /** How many have answered (hidden answers not counted). No names, no texts, no counts per option. */
  answeredCount: number;
  /** The viewer's own answer, when the view was made for one follower; null if none. */
  mine?: OwnAnswer | null;
}

/**
 * What followers and the projector see. Until the reveal, nothing but the
 * question and how many answered; `beforeEntryKey` never (keys are made from
 * headlines, so it would give the next entry away).
 */
export type PublicQuestionView =
  | (PublicBase & { status: "open" })
  | (PublicBase & { status: "closed"; closedAt: string })
  | (PublicBase & {
      status: "revealed";
      closedAt: string;
      revealedAt: string;
      results: QuestionResults;
      correctOption: number | null;
      predictedCorrect: number | null;
    });

/** What the presenter's console sees: the whole question, every answer (hidden ones marked), live results. */
export interface PresenterQuestionView {
  question: Question;
  answers: Answer[];
  answeredCount: number;
  hiddenCount: number;
  results: QuestionResults;
  predictedCorrect: number | null;
}

export function publicView(question: Question, answers: readonly Answer[], role: "follower" | "projector", viewer?: string): PublicQuestionView;
export function publicView(question: Question, answers: readonly Answer[], role: "presenter"): PresenterQuestionView;
export function publicView(question: Question, answers: readonly Answer[], role: ViewRole, viewer?: string): PublicQuestionView | PresenterQuestionView;
export function publicView(question: Question, answers: readonly Answer[], role: ViewRole, viewer?: string): PublicQuestionView | PresenterQuestionView {
  const own = answers.filter((answer) => answer.questionId === question.id);
  const answeredCount = own.filter((answer) => !answer.hidden).length;
  if (role === "presenter") {
    return {
      question: { ...question, options: [...question.options] },
      answers: [...own].sort(byTime).map((answer) => ({ ...answer })),
      answeredCount,
      hiddenCount: own.length - answeredCount,
      results: results(question, own),
      predictedCorrect: predictedCorrect(question, own),
    };
  }
  // Built field by field, never by spreading the question, so that nothing new leaks by accident.
  const base: PublicBase = {
    id: question.id,
    sessionId: question.sessionId,
    prompt: question.prompt,
    kind: question.kind,
    options: [...question.options],
    openedAt: question.openedAt,
    answeredCount,
  };
  if (viewer !== undefined) {
    const mine = own.find((answer) => answer.studentId === viewer);
    base.mine = mine ? { choice: mine.choice, text: mine.text, answeredAt: mine.answeredAt } : null;
  }
  switch (question.status) {
    case "open":
      return { ...base, status: "open" };
    case "closed":
      return { ...base, status: "closed", closedAt: question.closedAt ?? question.openedAt };
    case "revealed": {
      const closedAt = question.closedAt ?? question.revealedAt ?? question.openedAt;
      return {
        ...base,
        status: "revealed",
        closedAt,
        revealedAt: question.revealedAt ?? closedAt,
        results: results(question, own),
        correctOption: question.correctOption,
        predictedCorrect: predictedCorrect(question, own),
      };
    }
    default:
      return assertNever(question.status);
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected question status ${String(value)}`);
}

/**
 * The key of the first entry not yet published at `simAt` (entries in replay
 * order, times ascending): the moment the class is asked to predict. Null
 * when every entry is out.
 */
export function nextEntryKey(entryTimes: readonly number[], entryKeys: readonly string[], simAt: number): string | null {
  let lo = 0;
  let hi = entryTimes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (entryTimes[mid]! <= simAt) lo = mid + 1;
    else hi = mid;
  }
  return entryKeys[lo] ?? null;
}

// ---------------------------------------------------------------------------
// Export

/** One answer (or a question nobody answered) as exported. */
export interface ExportRow {
  sessionCode: string | null;
  questionId: string;
  prompt: string;
  kind: QuestionKind;
  options: string[];
  /** The simulated moment it was asked, ISO 8601. */
  questionSimTime: string;
  /** The wall time it was opened, ISO 8601. */
  questionOpenedAt: string;
  beforeEntryKey: string | null;
  /** The chosen option's text, or the typed text; null for a question nobody answered. */
  answer: string | null;
  choiceIndex: number | null;
  answeredAt: string | null;
  studentId: string | null;
  hidden: boolean | null;
  /** Whether the choice was the marked right one; null if none was marked or the question is free text. */
  correct: boolean | null;
}

/** Column names of the CSV export, in order, for the fields of ExportRow. */
export const EXPORT_COLUMNS: readonly (readonly [keyof ExportRow, string])[] = [
  ["sessionCode", "session_code"],
  ["questionId", "question_id"],
  ["prompt", "prompt"],
  ["kind", "kind"],
  ["options", "options"],
  ["questionSimTime", "question_sim_time"],
  ["questionOpenedAt", "question_opened_at"],
  ["beforeEntryKey", "before_entry_key"],
  ["answer", "answer"],
  ["choiceIndex", "choice_index"],
  ["answeredAt", "answered_at"],
  ["studentId", "student_id"],
  ["hidden", "hidden"],
  ["correct", "correct"],
];

/**
 * One row per answer, questions in the order they were asked and answers in
 * the order they were given. A question nobody answered still gets one row,
 * with empty answer fields, so that the export lists every question.
 */
export function exportRows(sessionCode: string | null, rounds: readonly QuestionRound[]): ExportRow[] {
  const ordered = [...rounds].sort((a, b) => (a.question.openedAt < b.question.openedAt ? -1 : a.question.openedAt > b.question.openedAt ? 1 : 0));
  const rows: ExportRow[] = [];
  for (const { question, answers } of ordered) {
    const common = {
      sessionCode,
      questionId: question.id,
      prompt: question.prompt,
      kind: question.kind,
      options: [...question.options],
      questionSimTime: new Date(question.simAt).toISOString(),
      questionOpenedAt: question.openedAt,
      beforeEntryKey: question.beforeEntryKey,
    };
    const own = answers.filter((answer) => answer.questionId === question.id).sort(byTime);
    if (own.length === 0) {
      rows.push({ ...common, answer: null, choiceIndex: null, answeredAt: null, studentId: null, hidden: null, correct: null });
      continue;
    }
    for (const answer of own) {
      rows.push({
        ...common,
        answer: answer.choice !== null ? (question.options[answer.choice] ?? null) : answer.text,
        choiceIndex: answer.choice,
        answeredAt: answer.answeredAt,
        studentId: answer.studentId,
        hidden: answer.hidden,
        correct: question.kind === "choice" && question.correctOption !== null ? answer.choice === question.correctOption : null,
      });
    }
  }
  return rows;
}

/**
 * A cell as a spreadsheet will read it. A cell that starts with = + - @ (or a
 * tab or carriage return) would run as a formula: it gets a leading
 * apostrophe. Then RFC 4180: a cell with a comma, a quote or a line break is
 * quoted, with its quotes doubled.
 */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The CSV export: a header row, then the rows; CRLF line ends (RFC 4180). Options are joined with " | ". */
export function toCsv(rows: readonly ExportRow[]): string {
  const lines = [EXPORT_COLUMNS.map(([, header]) => csvCell(header)).join(",")];
  for (const row of rows) {
    lines.push(EXPORT_COLUMNS.map(([field]) => csvCell(field === "options" ? row.options.join(" | ") : (row[field] as string | number | boolean | null))).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}

/** The JSON export: the same rows, with options as a list and typed values. */
export function toJson(rows: readonly ExportRow[]): string {
  return `${JSON.stringify(rows, null, 2)}\n`;
}
