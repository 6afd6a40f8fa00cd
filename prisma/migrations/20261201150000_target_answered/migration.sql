-- 502s / 504s whose status came from the target's own response (the gateway passed it on).
ALTER TABLE "LogTargetStat" ADD COLUMN "targetAnswered502" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "LogTargetStat" ADD COLUMN "targetAnswered504" INTEGER NOT NULL DEFAULT 0;
