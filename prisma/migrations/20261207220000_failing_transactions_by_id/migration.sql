-- Correlation reads a log's failures in id ranges (#18: one statement of a 1 M-line log's 10k failures held the
-- server's thread for 120–190 ms): the failing rows' partial index gains the id, so each range is read through it.
-- Its other readers (502s by request path, the clock panel) filter on incidentId alone as before.
DROP INDEX "LogTransaction_incidentId_failing_idx";
CREATE INDEX "LogTransaction_incidentId_failing_idx" ON "LogTransaction" ("incidentId", id)
  WHERE status IN (502, 504) OR "errCode" IS NOT NULL;
