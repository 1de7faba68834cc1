-- CreateTable
CREATE TABLE "session_question" (
    "id" UUID NOT NULL,
    "sessionId" UUID NOT NULL,
    "openSessionId" UUID,
    "prompt" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "options" TEXT[],
    "status" TEXT NOT NULL,
    "correctOption" INTEGER,
    "openedAt" TIMESTAMPTZ(3) NOT NULL,
    "simAt" DOUBLE PRECISION NOT NULL,
    "beforeEntryKey" TEXT,
    "closedAt" TIMESTAMPTZ(3),
    "revealedAt" TIMESTAMPTZ(3),

    CONSTRAINT "session_question_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "question_answer" (
    "id" UUID NOT NULL,
    "questionId" UUID NOT NULL,
    "studentId" TEXT NOT NULL,
    "choice" INTEGER,
    "text" TEXT,
    "answeredAt" TIMESTAMPTZ(3) NOT NULL,
    "hidden" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "question_answer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "session_question_openSessionId_key" ON "session_question"("openSessionId");

-- CreateIndex
CREATE INDEX "session_question_sessionId_openedAt_idx" ON "session_question"("sessionId", "openedAt");

-- CreateIndex
CREATE UNIQUE INDEX "question_answer_questionId_studentId_key" ON "question_answer"("questionId", "studentId");

-- AddForeignKey
ALTER TABLE "session_question" ADD CONSTRAINT "session_question_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "replay_session"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "question_answer" ADD CONSTRAINT "question_answer_questionId_fkey" FOREIGN KEY ("questionId") REFERENCES "session_question"("id") ON DELETE CASCADE ON UPDATE CASCADE;
