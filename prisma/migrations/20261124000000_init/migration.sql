-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Incident" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "org" TEXT,
    "env" TEXT,
    "firstTs" TIMESTAMPTZ(3),
    "lastTs" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "titleEdited" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "Incident_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BundleFile" (
    "id" TEXT NOT NULL,
    "incidentId" TEXT NOT NULL,
    "parentId" TEXT,
    "name" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "bytesDone" BIGINT NOT NULL DEFAULT 0,
    "error" TEXT,
    "counts" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BundleFile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ParseJob" (
    "id" BIGSERIAL NOT NULL,
    "incidentId" TEXT NOT NULL,
    "fileId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lockedAt" TIMESTAMPTZ(3),
    "lockedBy" TEXT,
    "error" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ParseJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LogTransaction" (
    "id" BIGSERIAL NOT NULL,
    "incidentId" TEXT NOT NULL,
    "fileId" TEXT NOT NULL,
    "correlationId" TEXT NOT NULL,
    "startTs" TIMESTAMPTZ(3) NOT NULL,
    "endTs" TIMESTAMPTZ(3) NOT NULL,
    "method" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "proxy" TEXT,
    "target" TEXT,
    "status" INTEGER,
    "errMessage" TEXT,
    "errCode" TEXT,
    "durationMs" INTEGER,
    "lineNo" INTEGER NOT NULL,
    "byteOffset" BIGINT NOT NULL,
    "lineCount" INTEGER NOT NULL,

    CONSTRAINT "LogTransaction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StatsDelta" (
    "id" BIGSERIAL NOT NULL,
    "incidentId" TEXT NOT NULL,
    "fileId" TEXT NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "pid" TEXT NOT NULL,
    "requests" INTEGER NOT NULL,
    "responses" INTEGER NOT NULL,
    "s5xx" INTEGER NOT NULL,
    "treqErrors" INTEGER NOT NULL,
    "tresErrors" INTEGER NOT NULL,

    CONSTRAINT "StatsDelta_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ParseIssue" (
    "id" BIGSERIAL NOT NULL,
    "incidentId" TEXT NOT NULL,
    "fileId" TEXT NOT NULL,
    "lineNo" INTEGER,
    "byteOffset" BIGINT,
    "reason" TEXT NOT NULL,
    "excerpt" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "ParseIssue_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Incident_createdAt_idx" ON "Incident"("createdAt");

-- CreateIndex
CREATE INDEX "BundleFile_incidentId_idx" ON "BundleFile"("incidentId");

-- CreateIndex
CREATE UNIQUE INDEX "ParseJob_fileId_key" ON "ParseJob"("fileId");

-- CreateIndex
CREATE INDEX "ParseJob_status_createdAt_idx" ON "ParseJob"("status", "createdAt");

-- CreateIndex
CREATE INDEX "LogTransaction_incidentId_startTs_idx" ON "LogTransaction"("incidentId", "startTs");

-- CreateIndex
CREATE INDEX "LogTransaction_incidentId_target_idx" ON "LogTransaction"("incidentId", "target");

-- CreateIndex
CREATE INDEX "LogTransaction_fileId_idx" ON "LogTransaction"("fileId");

-- CreateIndex
CREATE INDEX "StatsDelta_incidentId_ts_idx" ON "StatsDelta"("incidentId", "ts");

-- CreateIndex
CREATE INDEX "StatsDelta_fileId_idx" ON "StatsDelta"("fileId");

-- CreateIndex
CREATE INDEX "ParseIssue_fileId_idx" ON "ParseIssue"("fileId");

-- AddForeignKey
ALTER TABLE "BundleFile" ADD CONSTRAINT "BundleFile_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ParseJob" ADD CONSTRAINT "ParseJob_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LogTransaction" ADD CONSTRAINT "LogTransaction_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StatsDelta" ADD CONSTRAINT "StatsDelta_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ParseIssue" ADD CONSTRAINT "ParseIssue_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;
