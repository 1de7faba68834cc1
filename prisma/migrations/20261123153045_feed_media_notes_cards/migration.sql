-- AlterTable
ALTER TABLE "feed" ADD COLUMN     "notes" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "entry" ADD COLUMN     "photoCaption" TEXT,
ADD COLUMN     "photoCredit" TEXT,
ADD COLUMN     "videoTitle" TEXT;

-- CreateTable
CREATE TABLE "card" (
    "id" UUID NOT NULL,
    "feedId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "category" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "sourceOutlet" TEXT NOT NULL,
    "sourceTitle" TEXT NOT NULL,
    "sourceDate" TEXT NOT NULL,
    "sourceRef" TEXT,
    "sourceNote" TEXT,
    "knownFrom" TIMESTAMPTZ(3) NOT NULL,
    "aliases" TEXT[],
    "pinnedByDefault" BOOLEAN NOT NULL,
    "entryKeys" TEXT[],

    CONSTRAINT "card_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "card_feedId_key_key" ON "card"("feedId", "key");

-- AddForeignKey
ALTER TABLE "card" ADD CONSTRAINT "card_feedId_fkey" FOREIGN KEY ("feedId") REFERENCES "feed"("id") ON DELETE CASCADE ON UPDATE CASCADE;
