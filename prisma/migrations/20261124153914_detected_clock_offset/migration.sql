-- AlterTable
ALTER TABLE "Incident" ADD COLUMN     "detectedClockOffsetMs" DOUBLE PRECISION,
ADD COLUMN     "detectedClockPairs" INTEGER;
