-- DropIndex
DROP INDEX "TcpConnection_incidentId_startTs_idx";

-- CreateIndex
CREATE INDEX "TcpConnection_incidentId_startTs_id_idx" ON "TcpConnection"("incidentId", "startTs", "id");

-- CreateIndex
CREATE INDEX "TcpConnection_incidentId_matchedCorrelationId_idx" ON "TcpConnection"("incidentId", "matchedCorrelationId");
