-- CreateTable
CREATE TABLE "Member" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "Member_pkey" PRIMARY KEY ("id")
);

INSERT INTO "Member" ("id", "name") VALUES ('a', 'Ada'), ('b', 'Bo'), ('c', 'Cy');
