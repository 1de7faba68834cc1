-- AlterTable
ALTER TABLE "feed" ADD COLUMN     "keyMoments" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "pauseKeys" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "library_key" (
    "id" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "library_key_pkey" PRIMARY KEY ("id")
);

-- Key moments moved from data/key-moments.json into the feed row, where the library edits them.
-- A feed already stored gets the moments of that file once, here. A new one gets them from the seed import.
UPDATE "feed" SET "keyMoments" = '[{"label": "Arrivals", "at": "2018-07-16T10:38:00Z"}, {"label": "One-on-one begins", "at": "2018-07-16T11:11:00Z"}, {"label": "One-on-one ends", "at": "2018-07-16T13:22:00Z"}, {"label": "Press conference", "at": "2018-07-16T15:11:00Z"}, {"label": "Reactions", "at": "2018-07-16T17:02:00Z"}]'::jsonb WHERE "slug" = 'sputnik-helsinki-2018';
