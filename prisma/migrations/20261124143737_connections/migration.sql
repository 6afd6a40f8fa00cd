-- CreateTable
CREATE TABLE "TcpConnection" (
    "id" BIGSERIAL NOT NULL,
    "incidentId" TEXT NOT NULL,
    "fileId" TEXT NOT NULL,
    "connIndex" INTEGER NOT NULL,
    "gatewayHost" TEXT NOT NULL,
    "gatewayPort" INTEGER NOT NULL,
    "targetHost" TEXT NOT NULL,
    "targetPort" INTEGER NOT NULL,
    "target" TEXT NOT NULL,
    "startTs" TIMESTAMPTZ(3) NOT NULL,
    "endTs" TIMESTAMPTZ(3) NOT NULL,
    "closeTs" TIMESTAMPTZ(3),
    "firstFrame" INTEGER NOT NULL,
    "lastFrame" INTEGER NOT NULL,
    "closeFrame" INTEGER,
    "packetsG2T" INTEGER NOT NULL,
    "packetsT2G" INTEGER NOT NULL,
    "bytesG2T" BIGINT NOT NULL,
    "bytesT2G" BIGINT NOT NULL,
    "closer" TEXT,
    "closeKind" TEXT,
    "retransmissions" INTEGER NOT NULL,
    "connState" TEXT NOT NULL,
    "history" TEXT NOT NULL,
    "idleGapMs" DOUBLE PRECISION,
    "classCode" TEXT NOT NULL,
    "classReason" TEXT NOT NULL,
    "exchanges" JSONB NOT NULL DEFAULT '[]',
    "ladder" JSONB NOT NULL DEFAULT '[]',
    "ladderOmitted" INTEGER NOT NULL DEFAULT 0,
    "matchedCorrelationId" TEXT,
    "matchedDeltaMs" DOUBLE PRECISION,

    CONSTRAINT "TcpConnection_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TcpConnection_incidentId_startTs_idx" ON "TcpConnection"("incidentId", "startTs");

-- CreateIndex
CREATE INDEX "TcpConnection_incidentId_classCode_idx" ON "TcpConnection"("incidentId", "classCode");

-- CreateIndex
CREATE INDEX "TcpConnection_fileId_idx" ON "TcpConnection"("fileId");

-- AddForeignKey
ALTER TABLE "TcpConnection" ADD CONSTRAINT "TcpConnection_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;
