-- AlterTable
ALTER TABLE "replay_session" ADD COLUMN     "blanked" BOOLEAN NOT NULL DEFAULT false;
