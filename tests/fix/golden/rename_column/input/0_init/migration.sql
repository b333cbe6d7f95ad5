-- CreateTable
CREATE TABLE "Member" (
    "id" SERIAL NOT NULL,
    "name" VARCHAR(120) NOT NULL DEFAULT 'anonymous',
    "email" TEXT,
    "totalPoints" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Member_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Member_email_key" ON "Member"("email");

-- CreateIndex
CREATE INDEX "Member_name_totalPoints_idx" ON "Member"("name", "totalPoints" DESC);

INSERT INTO "Member" ("name", "email", "totalPoints") VALUES ('ada', 'ada@example.com', 3), ('bob', NULL, 5), (DEFAULT, 'c@example.com', 0);
