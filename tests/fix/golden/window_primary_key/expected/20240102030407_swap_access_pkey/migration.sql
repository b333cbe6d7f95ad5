ALTER TABLE "Access" DROP CONSTRAINT "Access_pkey", ADD CONSTRAINT "Access_pkey" PRIMARY KEY USING INDEX "Access_pkey_new";
