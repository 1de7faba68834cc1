-- CreateTable
CREATE TABLE "feed_seed" (
    "slug" TEXT NOT NULL,
    "version" TEXT NOT NULL,

    CONSTRAINT "feed_seed_pkey" PRIMARY KEY ("slug")
);
