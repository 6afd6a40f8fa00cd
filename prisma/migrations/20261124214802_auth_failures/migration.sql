-- CreateTable
CREATE TABLE "AuthFailure" (
    "id" BIGSERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "ip" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuthFailure_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AuthFailure_kind_at_idx" ON "AuthFailure"("kind", "at");

-- CreateIndex
CREATE INDEX "AuthFailure_kind_ip_at_idx" ON "AuthFailure"("kind", "ip", "at");
