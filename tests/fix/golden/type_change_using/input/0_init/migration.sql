-- CreateTable
CREATE TABLE "Item" (
    "id" BIGSERIAL NOT NULL,
    "code" VARCHAR(20),
    "label" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "Item_pkey" PRIMARY KEY ("id")
);
