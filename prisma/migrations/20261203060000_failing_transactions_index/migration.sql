-- The incident page's "502s by request path" and its clock panel count a log's failing transactions on every view;
-- without this they scanned every transaction of the incident (~100 ms per 60k). Partial, so ingest only pays for
-- the failing rows. Not expressible in schema.prisma (see the comment on LogTransaction there).
CREATE INDEX "LogTransaction_incidentId_failing_idx" ON "LogTransaction" ("incidentId")
  WHERE status IN (502, 504) OR "errCode" IS NOT NULL;
