-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "feed" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "outlet" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "sourceUrl" TEXT,
    "publishedZone" TEXT NOT NULL,
    "eventZone" TEXT NOT NULL,
    "eventDate" TEXT NOT NULL,
    "coverageStart" TIMESTAMPTZ(3) NOT NULL,
    "coverageEnd" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "feed_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "entry" (
    "id" UUID NOT NULL,
    "feedId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "publishedAt" TIMESTAMPTZ(3) NOT NULL,
    "pagePosition" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,

    CONSTRAINT "entry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "feed_slug_key" ON "feed"("slug");

-- CreateIndex
CREATE INDEX "entry_feedId_publishedAt_idx" ON "entry"("feedId", "publishedAt");

-- CreateIndex
CREATE UNIQUE INDEX "entry_feedId_key_key" ON "entry"("feedId", "key");

-- AddForeignKey
ALTER TABLE "entry" ADD CONSTRAINT "entry_feedId_fkey" FOREIGN KEY ("feedId") REFERENCES "feed"("id") ON DELETE CASCADE ON UPDATE CASCADE;

