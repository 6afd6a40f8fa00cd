-- AlterTable
ALTER TABLE "Incident" ADD COLUMN     "clockWindowMs" DOUBLE PRECISION;
