-- Archive last year's rows
ALTER TABLE "Measurement" DETACH PARTITION "Measurement_2023" CONCURRENTLY;
