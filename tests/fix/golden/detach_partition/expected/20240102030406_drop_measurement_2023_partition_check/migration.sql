ALTER TABLE "Measurement_2023" DROP CONSTRAINT "Measurement_2023_takenOn_check";
