-- CreateTable
CREATE TABLE "replay_session" (
    "id" UUID NOT NULL,
    "feedId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "code" TEXT,
    "secretHash" TEXT NOT NULL,
    "playing" BOOLEAN NOT NULL,
    "rate" DOUBLE PRECISION NOT NULL,
    "simAtAnchor" DOUBLE PRECISION NOT NULL,
    "serverTimeAtAnchor" DOUBLE PRECISION NOT NULL,
    "revision" INTEGER NOT NULL,
    "idleLimitMs" INTEGER,
    "stopAt" DOUBLE PRECISION,
    "pauseOn" TEXT NOT NULL DEFAULT 'off',
    "markedEntryKeys" TEXT[],
    "pinnedCards" TEXT[],
    "revealedCards" TEXT[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastActiveAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "replay_session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "socket_io_attachments" (
    "id" BIGSERIAL NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "payload" BYTEA NOT NULL,

    CONSTRAINT "socket_io_attachments_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "replay_session_code_key" ON "replay_session"("code");

-- CreateIndex
CREATE INDEX "replay_session_expiresAt_idx" ON "replay_session"("expiresAt");

-- AddForeignKey
ALTER TABLE "replay_session" ADD CONSTRAINT "replay_session_feedId_fkey" FOREIGN KEY ("feedId") REFERENCES "feed"("id") ON DELETE CASCADE ON UPDATE CASCADE;
