-- Issue 18: each index costs every one of a log's transactions at ingest (scripts/bench/insert-shapes.ts).
-- Pages reach transactions through the incident and start time, and a re-run deletes a file's rows within its incident.
DROP INDEX "LogTransaction_incidentId_target_idx";
DROP INDEX "LogTransaction_fileId_idx";
