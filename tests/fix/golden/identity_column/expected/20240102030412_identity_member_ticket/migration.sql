BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE "Member" ALTER COLUMN "ticket" DROP DEFAULT;
ALTER SEQUENCE "Member_ticket_fill_seq" OWNED BY NONE;
ALTER TABLE "Member" ALTER COLUMN "ticket" ADD GENERATED ALWAYS AS IDENTITY (START WITH 100 INCREMENT BY 10);
SELECT setval(pg_get_serial_sequence('"Member"', 'ticket'), nextval('"Member_ticket_fill_seq"'), false);
DROP SEQUENCE "Member_ticket_fill_seq";
COMMIT;
