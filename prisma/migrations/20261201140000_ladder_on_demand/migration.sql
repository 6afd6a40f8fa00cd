-- Issue #18: ladders are derived on demand from the stored capture, by the connection's frame range.
-- Rows stored before keep their frame numbers (firstFrame, lastFrame) but get no offsets: read from the capture's start.
-- AlterTable
ALTER TABLE "TcpConnection" DROP COLUMN "ladder",
DROP COLUMN "ladderOmitted",
ADD COLUMN     "firstOffset" BIGINT,
ADD COLUMN     "lastOffset" BIGINT;
