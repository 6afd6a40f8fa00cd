-- AlterTable
ALTER TABLE "Incident" ADD COLUMN     "answers" JSONB NOT NULL DEFAULT '{}';
