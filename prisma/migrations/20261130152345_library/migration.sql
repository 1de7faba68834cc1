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
