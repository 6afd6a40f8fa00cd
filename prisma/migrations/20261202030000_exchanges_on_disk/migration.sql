-- Issue #18: a connection's HTTP exchanges are written to a file beside the capture's line index
-- (DATA_DIR/index/<fileId>.exchanges, lib/incidents/exchanges-file.ts), the row keeps their offset and length.
-- Rows stored before keep theirs in "exchanges" (no offset). The first request left unanswered, which correlation
-- reads for every connection, becomes a column of its own, filled here for those rows.
-- AlterTable
ALTER TABLE "TcpConnection" ADD COLUMN     "exchangesAt" BIGINT,
ADD COLUMN     "exchangesBytes" INTEGER,
ADD COLUMN     "pendingReqMs" DOUBLE PRECISION;

UPDATE "TcpConnection" SET "pendingReqMs" = (
  SELECT (x.e->>'reqTsUs')::float8 / 1000 FROM jsonb_array_elements("exchanges") WITH ORDINALITY AS x(e, n)
  WHERE x.e->>'complete' = 'false' AND x.e->>'reqTsUs' IS NOT NULL ORDER BY x.n LIMIT 1);
