-- Prisma's ALTER COLUMN ... TYPE BIGINT leaves the serial's sequence AS integer, so new ids
-- still end at 2^31 - 1; fix's swap makes the sequence bigint too (key_type_change.cc).
ALTER SEQUENCE "User_id_seq" AS bigint;
