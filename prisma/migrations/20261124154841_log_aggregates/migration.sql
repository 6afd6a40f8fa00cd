-- CreateTable
CREATE TABLE "LogBucket" (
    "id" BIGSERIAL NOT NULL,
    "incidentId" TEXT NOT NULL,
    "fileId" TEXT NOT NULL,
    "resMs" INTEGER NOT NULL,
    "t" BIGINT NOT NULL,
    "code" TEXT,
    "n" INTEGER NOT NULL,
    "s502" INTEGER NOT NULL,
    "s504" INTEGER NOT NULL,

    CONSTRAINT "LogBucket_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LogTargetStat" (
    "id" BIGSERIAL NOT NULL,
    "incidentId" TEXT NOT NULL,
    "fileId" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "proxy" TEXT,
    "requests" INTEGER NOT NULL,
    "e502" INTEGER NOT NULL,
    "e504" INTEGER NOT NULL,
    "errorCodes" JSONB NOT NULL DEFAULT '{}',
    "durations" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "LogTargetStat_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "LogBucket_incidentId_resMs_t_idx" ON "LogBucket"("incidentId", "resMs", "t");

-- CreateIndex
CREATE INDEX "LogBucket_fileId_idx" ON "LogBucket"("fileId");

-- CreateIndex
CREATE INDEX "LogTargetStat_incidentId_idx" ON "LogTargetStat"("incidentId");

-- CreateIndex
CREATE INDEX "LogTargetStat_fileId_idx" ON "LogTargetStat"("fileId");

-- AddForeignKey
ALTER TABLE "LogBucket" ADD CONSTRAINT "LogBucket_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LogTargetStat" ADD CONSTRAINT "LogTargetStat_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;
