-- AlterTable
ALTER TABLE "replay_session" ADD COLUMN     "feedVersion" TEXT;

-- CreateTable
CREATE TABLE "feed_version" (
    "feedId" UUID NOT NULL,
    "version" TEXT NOT NULL,
    "detail" JSON NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "feed_version_pkey" PRIMARY KEY ("feedId","version")
);

-- AddForeignKey
ALTER TABLE "feed_version" ADD CONSTRAINT "feed_version_feedId_fkey" FOREIGN KEY ("feedId") REFERENCES "feed"("id") ON DELETE CASCADE ON UPDATE CASCADE;
