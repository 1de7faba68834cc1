/**
 * The pure rules of "Predict, then reveal" (domain/classroom/questions.ts):
 * validation, results, what each screen may see, and the exports.
 */
import { describe, expect, it } from "vitest";
import {
  cleanText,
  csvCell,
  exportRows,
  nextEntryKey,
  predictedCorrect,
  publicView,
  results,
  toCsv,
  toJson,
  validateAnswer,
  validateCorrectOption,
  validateQuestion,
  type Answer,
  type Question,
} from "@/domain/classroom/questions";
import { publicQuestionViewSchema, presenterQuestionViewSchema, questionClientEvents, questionInputSchema } from "@/domain/classroom/question-schemas";

const SESSION = "6f1c2a34-0000-4000-8000-000000000001";
const Q = "6f1c2a34-0000-4000-8000-0000000000aa";

function question(overrides: Partial<Question> = {}): Question {
  return {
    id: Q,
    sessionId: SESSION,
    prompt: "Who scores next?",
    kind: "choice",
    options: ["France", "Croatia", "Nobody"],
    status: "open",
    correctOption: null,
    openedAt: "2026-11-30T10:00:00.000Z",
    simAt: Date.parse("2018-07-15T15:40:00Z"),
    beforeEntryKey: "1541-mbappe-scores",
    closedAt: null,
    revealedAt: null,
    ...overrides,
  };
}

let serial = 0;
function answer(overrides: Partial<Answer> = {}): Answer {
  serial++;
  return {
    id: `6f1c2a34-0000-4000-8000-${String(serial).padStart(12, "0")}`,
    questionId: Q,
    studentId: `s-stud${String(serial).padStart(4, "0")}`,
    choice: null,
    text: null,
    answeredAt: new Date(Date.parse("2026-11-30T10:00:01Z") + serial * 1000).toISOString(),
    hidden: false,
    ...overrides,
  };
}

const textQuestion = (overrides: Partial<Question> = {}) => question({ kind: "text", options: [], prompt: "What happens next?", ...overrides });

describe("validateQuestion", () => {
  it("accepts a free-text and a choice question, cleaning their texts", () => {
    expect(validateQuestion({ prompt: "  What   happens\nnext? ", kind: "text" })).toEqual({
      ok: true,
      value: { prompt: "What happens next?", kind: "text", options: [] },
    });
    expect(validateQuestion({ prompt: "Who?", kind: "choice", options: [" France ", "Croatia"] })).toEqual({
      ok: true,
      value: { prompt: "Who?", kind: "choice", options: ["France", "Croatia"] },
    });
  });

  it("counts characters as people do: 200 emoji are 200 characters", () => {
    expect(validateQuestion({ prompt: "⚽".repeat(200), kind: "text" }).ok).toBe(true);
    expect(validateQuestion({ prompt: "😀".repeat(200), kind: "text" }).ok).toBe(true);
    expect(validateQuestion({ prompt: "a".repeat(201), kind: "text" })).toMatchObject({ ok: false, reason: "invalid_question" });
  });

  it.each([
    ["an empty prompt", { prompt: "   ", kind: "text" }],
    ["a prompt of zero-width characters", { prompt: "\u200b\u200b", kind: "text" }],
    ["a prompt with a NUL", { prompt: "Who\u0000?", kind: "text" }],
    ["a lone surrogate", { prompt: "Who \ud800?", kind: "text" }],
    ["an unknown kind", { prompt: "Who?", kind: "poll" }],
    ["options on a text question", { prompt: "Who?", kind: "text", options: ["a", "b"] }],
    ["one option", { prompt: "Who?", kind: "choice", options: ["a"] }],
    ["seven options", { prompt: "Who?", kind: "choice", options: ["a", "b", "c", "d", "e", "f", "g"] }],
    ["no options", { prompt: "Who?", kind: "choice" }],
    ["an empty option", { prompt: "Who?", kind: "choice", options: ["a", "  "] }],
    ["an option of 81 characters", { prompt: "Who?", kind: "choice", options: ["a", "b".repeat(81)] }],
    ["the same option twice, in other case", { prompt: "Who?", kind: "choice", options: ["France", " france"] }],
    ["options that are not texts", { prompt: "Who?", kind: "choice", options: ["a", 2] }],
  ])("refuses %s", (_name, input) => {
    const checked = validateQuestion(input as never);
    expect(checked).toMatchObject({ ok: false, reason: "invalid_question", message: expect.any(String) });
  });

  it("allows 6 options of 80 characters", () => {
    const options = ["a", "b", "c", "d", "e", "f"].map((letter) => letter.repeat(80));
    expect(validateQuestion({ prompt: "Which?", kind: "choice", options }).ok).toBe(true);
  });
});

describe("validateAnswer", () => {
  it("takes a choice in range for a choice question", () => {
    expect(validateAnswer(question(), { choice: 2 })).toEqual({ ok: true, value: { choice: 2, text: null } });
    for (const choice of [-1, 3, 1.5, Number.NaN, null]) {
      expect(validateAnswer(question(), { choice })).toMatchObject({ ok: false, reason: "invalid_answer" });
    }
    expect(validateAnswer(question(), { text: "France" })).toMatchObject({ ok: false, reason: "invalid_answer" });
    expect(validateAnswer(question(), { choice: 0, text: "France" })).toMatchObject({ ok: false, reason: "invalid_answer" });
  });

  it("takes a short text for a free-text question, trimmed and with spaces collapsed", () => {
    expect(validateAnswer(textQuestion(), { text: "  Mbappé   scores\n" })).toEqual({ ok: true, value: { choice: null, text: "Mbappé scores" } });
    expect(validateAnswer(textQuestion(), { text: "x".repeat(140) }).ok).toBe(true);
    expect(validateAnswer(textQuestion(), { text: `  ${"x".repeat(140)}  ` }).ok).toBe(true);
    for (const text of ["x".repeat(141), "   ", "", "a\u0000b", null]) {
      expect(validateAnswer(textQuestion(), { text })).toMatchObject({ ok: false, reason: "invalid_answer" });
    }
    expect(validateAnswer(textQuestion(), { choice: 0 })).toMatchObject({ ok: false, reason: "invalid_answer" });
  });

  it("refuses every answer once the question is closed or revealed", () => {
    expect(validateAnswer(question({ status: "closed" }), { choice: 0 })).toMatchObject({ ok: false, reason: "question_closed" });
    expect(validateAnswer(textQuestion({ status: "revealed" }), { text: "a" })).toMatchObject({ ok: false, reason: "question_closed" });
  });
});

describe("validateCorrectOption", () => {
  it("is an option's index or null, and null only for free text", () => {
    expect(validateCorrectOption(question(), 1)).toEqual({ ok: true, value: 1 });
    expect(validateCorrectOption(question(), null)).toEqual({ ok: true, value: null });
    expect(validateCorrectOption(question(), 3)).toMatchObject({ ok: false, reason: "invalid_question" });
    expect(validateCorrectOption(textQuestion(), 0)).toMatchObject({ ok: false, reason: "invalid_question" });
    expect(validateCorrectOption(textQuestion(), null)).toEqual({ ok: true, value: null });
  });
});

describe("results", () => {
  it("counts choices per option, leaving hidden answers out", () => {
    const answers = [answer({ choice: 0 }), answer({ choice: 0 }), answer({ choice: 2 }), answer({ choice: 1, hidden: true })];
    expect(results(question(), answers)).toEqual({ kind: "choice", counts: [2, 0, 1], total: 3 });
  });

  it("groups identical texts (case, spaces), shows the commonest spelling, most answers first", () => {
    const answers = [
      answer({ text: "a penalty" }),
      answer({ text: "Mbappé scores" }),
      answer({ text: "mbappé  scores" }),
      answer({ text: "MBAPPÉ SCORES" }),
      answer({ text: "mbappé scores" }),
      answer({ text: "A Penalty" }),
      answer({ text: "Rain" }),
      answer({ text: "rude words", hidden: true }),
    ];
    expect(results(textQuestion(), answers)).toEqual({
      kind: "text",
      groups: [
        { text: "mbappé scores", count: 4 },
        { text: "a penalty", count: 2 },
        { text: "Rain", count: 1 },
      ],
      total: 7,
    });
  });

  it("breaks ties between groups by the earliest answer, and between spellings by the earliest", () => {
    const answers = [answer({ text: "B" }), answer({ text: "a" }), answer({ text: "A" }), answer({ text: "b" })];
    expect(results(textQuestion(), answers)).toEqual({ kind: "text", groups: [{ text: "B", count: 2 }, { text: "a", count: 2 }], total: 4 });
  });

  it("counts those who predicted the marked choice", () => {
    const answers = [answer({ choice: 1 }), answer({ choice: 1 }), answer({ choice: 1, hidden: true }), answer({ choice: 0 })];
    expect(predictedCorrect(question({ status: "revealed", correctOption: 1 }), answers)).toBe(2);
    expect(predictedCorrect(question({ status: "revealed" }), answers)).toBeNull();
    expect(predictedCorrect(textQuestion({ status: "revealed" }), [])).toBeNull();
  });
});

describe("publicView: what the class sees", () => {
  const texts = ["Secret guess one", "Another secret", "Hidden rude text"];
  const answers = () => [
    answer({ text: texts[0], studentId: "s-aaaaaaaa" }),
    answer({ text: texts[1], studentId: "s-bbbbbbbb" }),
    answer({ text: texts[2], studentId: "s-cccccccc", hidden: true }),
  ];
  const choices = () => [answer({ choice: 1, studentId: "s-aaaaaaaa" }), answer({ choice: 1 }), answer({ choice: 0, hidden: true })];

  it.each(["open", "closed"] as const)("while %s, shows the question and how many answered, and nothing else", (status) => {
    for (const role of ["follower", "projector"] as const) {
      const view = publicView(textQuestion({ status, closedAt: status === "closed" ? "2026-11-30T10:05:00.000Z" : null }), answers(), role);
      expect(publicQuestionViewSchema.parse(view)).toEqual(view); // strict: no extra field
      expect(view.answeredCount).toBe(2);
      const json = JSON.stringify(view);
      for (const leak of [...texts, "s-aaaaaaaa", "s-bbbbbbbb", "results", "correctOption", "predictedCorrect", "beforeEntryKey", "1541-mbappe", "hidden"]) {
        expect(json).not.toContain(leak);
      }
      const choiceView = publicView(question({ status, correctOption: 1, closedAt: status === "closed" ? "2026-11-30T10:05:00.000Z" : null }), choices(), role);
      expect(Object.keys(choiceView).sort()).toEqual(
        ["id", "sessionId", "prompt", "kind", "options", "openedAt", "answeredCount", "status", ...(status === "closed" ? ["closedAt"] : [])].sort(),
      );
      expect(JSON.stringify(choiceView)).not.toMatch(/counts|correct|s-aaaa|1541/);
    }
  });

  it("after the reveal, shows the results and the right choice, hidden answers left out", () => {
    const revealed = { status: "revealed" as const, closedAt: "2026-11-30T10:05:00.000Z", revealedAt: "2026-11-30T10:06:00.000Z" };
    const view = publicView(question({ ...revealed, correctOption: 1 }), choices(), "follower");
    expect(view).toMatchObject({ status: "revealed", answeredCount: 2, correctOption: 1, predictedCorrect: 2, results: { kind: "choice", counts: [0, 2, 0], total: 2 } });
    const textView = publicView(textQuestion(revealed), answers(), "projector");
    expect(textView).toMatchObject({ status: "revealed", results: { kind: "text", groups: [{ text: texts[0], count: 1 }, { text: texts[1], count: 1 }] } });
    // Still no names, no hidden text, no upcoming entry.
    expect(JSON.stringify(textView)).not.toMatch(/s-aaaa|s-bbbb|Hidden rude|1541/);
    expect(publicQuestionViewSchema.parse(textView)).toEqual(textView);
  });

  it("tells a follower its own answer when made for it, and only its own", () => {
    const view = publicView(textQuestion(), answers(), "follower", "s-bbbbbbbb");
    expect(view.mine).toEqual({ choice: null, text: texts[1], answeredAt: expect.any(String) });
    expect(JSON.stringify(view)).not.toContain(texts[0]);
    expect(publicView(textQuestion(), answers(), "follower", "s-zzzzzzzz").mine).toBeNull();
  });

  it("shows the presenter everything: each answer with its id, student and hidden flag", () => {
    const all = choices();
    const view = publicView(question({ status: "open" }), all, "presenter");
    expect(presenterQuestionViewSchema.parse(view)).toEqual(view);
    expect(view.answers.map((a) => [a.id, a.studentId, a.hidden])).toEqual(all.map((a) => [a.id, a.studentId, a.hidden]));
    expect(view).toMatchObject({ answeredCount: 2, hiddenCount: 1, results: { counts: [0, 2, 0] }, question: { beforeEntryKey: "1541-mbappe-scores" } });
  });
});

describe("nextEntryKey", () => {
  const times = [100, 200, 200, 300];
  const keys = ["a", "b", "c", "d"];
  it("is the first entry published after the moment", () => {
    expect(nextEntryKey(times, keys, 50)).toBe("a");
    expect(nextEntryKey(times, keys, 100)).toBe("b");
    expect(nextEntryKey(times, keys, 199)).toBe("b");
    expect(nextEntryKey(times, keys, 200)).toBe("d");
    expect(nextEntryKey(times, keys, 300)).toBeNull();
    expect(nextEntryKey([], [], 0)).toBeNull();
  });
});

/** An RFC 4180 reader, to read the CSV back as a spreadsheet would. */
function parseCsv(csv: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const c = csv[i]!;
    if (quoted) {
      if (c === '"' && csv[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(cell), (cell = "");
    else if (c === "\r" && csv[i + 1] === "\n") row.push(cell), rows.push(row), (row = []), (cell = ""), i++;
    else cell += c;
  }
  if (cell !== "" || row.length > 0) throw new Error("CSV does not end with CRLF");
  return rows;
}

describe("exports", () => {
  it("escapes cells as RFC 4180 says", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("cr\rhere")).toBe('"cr\rhere"');
    expect(csvCell(null)).toBe("");
    expect(csvCell(3)).toBe("3");
    expect(csvCell(false)).toBe("false");
  });

  it("neutralizes spreadsheet formulas with a leading apostrophe", () => {
    expect(csvCell("=HYPERLINK(\"http://x\",\"click\")")).toBe(`"'=HYPERLINK(""http://x"",""click"")"`);
    expect(csvCell("+1+1")).toBe("'+1+1");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\t=1")).toBe("'\t=1");
    expect(csvCell("a=1")).toBe("a=1");
  });

  const revealedChoice = question({ status: "revealed", correctOption: 0, closedAt: "2026-11-30T10:05:00.000Z", revealedAt: "2026-11-30T10:06:00.000Z" });
  const hostile = textQuestion({
    id: "6f1c2a34-0000-4000-8000-0000000000bb",
    openedAt: "2026-11-30T10:10:00.000Z",
    simAt: Date.parse("2018-07-15T16:00:00Z"),
    beforeEntryKey: null,
    prompt: 'Say "it", please, in one line',
  });
  const empty = textQuestion({ id: "6f1c2a34-0000-4000-8000-0000000000cc", openedAt: "2026-11-30T10:20:00.000Z", status: "closed" });
  const rounds = () => {
    const choiceAnswers = [answer({ choice: 0, studentId: "s-right000" }), answer({ choice: 2, studentId: "s-wrong000", hidden: true })];
    const textAnswers = [answer({ questionId: hostile.id, text: "=cmd|' /C calc'!A0", studentId: "s-formula0" }), answer({ questionId: hostile.id, text: 'He said "go", then left', studentId: "s-quotes00" })];
    // Given out of order: the export sorts questions by opening, answers by time.
    return [
      { question: empty, answers: [] },
      { question: hostile, answers: textAnswers },
      { question: revealedChoice, answers: choiceAnswers },
    ];
  };

  it("has one row per answer, and one for a question nobody answered", () => {
    const rows = exportRows("ABCDEF", rounds());
    expect(rows.map((row) => [row.questionId.slice(-2), row.studentId])).toEqual([
      ["aa", "s-right000"],
      ["aa", "s-wrong000"],
      ["bb", "s-formula0"],
      ["bb", "s-quotes00"],
      ["cc", null],
    ]);
    expect(rows[0]).toEqual({
      sessionCode: "ABCDEF",
      questionId: Q,
      prompt: "Who scores next?",
      kind: "choice",
      options: ["France", "Croatia", "Nobody"],
      questionSimTime: "2018-07-15T15:40:00.000Z",
      questionOpenedAt: "2026-11-30T10:00:00.000Z",
      beforeEntryKey: "1541-mbappe-scores",
      answer: "France",
      choiceIndex: 0,
      answeredAt: expect.any(String),
      studentId: "s-right000",
      hidden: false,
      correct: true,
    });
    expect(rows[1]).toMatchObject({ answer: "Nobody", choiceIndex: 2, hidden: true, correct: false });
    expect(rows[2]).toMatchObject({ answer: "=cmd|' /C calc'!A0", choiceIndex: null, correct: null, beforeEntryKey: null });
    expect(rows[4]).toMatchObject({ answer: null, answeredAt: null, hidden: null, correct: null });
  });

  it("writes CSV a spreadsheet reads back cell for cell, with formulas defused", () => {
    const csv = toCsv(exportRows("ABCDEF", rounds()));
    expect(csv.endsWith("\r\n")).toBe(true);
    const table = parseCsv(csv);
    expect(table[0]).toEqual([
      "session_code",
      "question_id",
      "prompt",
      "kind",
      "options",
      "question_sim_time",
      "question_opened_at",
      "before_entry_key",
      "answer",
      "choice_index",
      "answered_at",
      "student_id",
      "hidden",
      "correct",
    ]);
    expect(table.slice(1).every((row) => row.length === 14)).toBe(true);
    expect(table[1]).toEqual(["ABCDEF", Q, "Who scores next?", "choice", "France | Croatia | Nobody", "2018-07-15T15:40:00.000Z", "2026-11-30T10:00:00.000Z", "1541-mbappe-scores", "France", "0", expect.any(String), "s-right000", "false", "true"]);
    expect(table[3]![2]).toBe('Say "it", please, in one line');
    expect(table[3]![8]).toBe("'=cmd|' /C calc'!A0");
    expect(table[4]![8]).toBe('He said "go", then left');
    expect(table[5]!.slice(8)).toEqual(["", "", "", "", "", ""]);
  });

  it("writes JSON with the same rows, typed", () => {
    const rows = JSON.parse(toJson(exportRows("ABCDEF", rounds())));
    expect(rows).toHaveLength(5);
    expect(rows[2]).toMatchObject({ answer: "=cmd|' /C calc'!A0", options: [], hidden: false, choiceIndex: null });
  });
});

describe("question schemas", () => {
  it("refuse through the same rules", () => {
    expect(questionInputSchema.safeParse({ prompt: "Who?", kind: "choice", options: ["a", "A"] }).success).toBe(false);
    expect(questionInputSchema.safeParse({ prompt: "Who?", kind: "choice", options: ["a", "b"] }).success).toBe(true);
    expect(questionInputSchema.safeParse({ prompt: " ", kind: "text" }).success).toBe(false);
  });

  it("take exactly one of choice and text in an answer, with a device token", () => {
    const base = { sessionId: SESSION, questionId: Q, device: "d".repeat(22) };
    const answerSchema = questionClientEvents["question:answer"];
    expect(answerSchema.safeParse({ ...base, choice: 1 }).success).toBe(true);
    expect(answerSchema.safeParse({ ...base, text: "hi" }).success).toBe(true);
    expect(answerSchema.safeParse({ ...base }).success).toBe(false);
    expect(answerSchema.safeParse({ ...base, choice: 1, text: "hi" }).success).toBe(false);
    expect(answerSchema.safeParse({ ...base, choice: 6 }).success).toBe(false);
    expect(answerSchema.safeParse({ ...base, device: "short", choice: 1 }).success).toBe(false);
  });

  it("clean text the way the rules do", () => {
    expect(cleanText(" a \t b\n")).toBe("a b");
  });
});
