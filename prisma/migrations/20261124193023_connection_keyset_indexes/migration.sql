-- DropIndex
DROP INDEX "TcpConnection_incidentId_classCode_idx";

-- DropIndex
DROP INDEX "TcpConnection_incidentId_startTs_id_idx";

-- CreateIndex
CREATE INDEX "TcpConnection_incidentId_startTs_id_classCode_target_connSt_idx" ON "TcpConnection"("incidentId", "startTs", "id", "classCode", "target", "connState");

-- CreateIndex
CREATE INDEX "TcpConnection_incidentId_idleGapMs_startTs_id_classCode_tar_idx" ON "TcpConnection"("incidentId", "idleGapMs" DESC, "startTs", "id", "classCode", "target", "connState");
