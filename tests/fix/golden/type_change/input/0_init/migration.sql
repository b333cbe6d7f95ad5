-- CreateTable
CREATE TABLE "Member" (
    "id" SERIAL NOT NULL,
    "totalPoints" INTEGER NOT NULL DEFAULT 0,
    "name" TEXT NOT NULL,

    CONSTRAINT "Member_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Member_name_idx" ON "Member"("name");
