CREATE TABLE "Sale" ("id" SERIAL PRIMARY KEY, "region" TEXT NOT NULL, "amount" INTEGER NOT NULL);
CREATE MATERIALIZED VIEW "SalesByRegion" AS SELECT "region", sum("amount") AS "total" FROM "Sale" GROUP BY "region";
CREATE UNIQUE INDEX "SalesByRegion_region_key" ON "SalesByRegion"("region");
