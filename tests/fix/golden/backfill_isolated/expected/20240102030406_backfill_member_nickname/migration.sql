UPDATE "Member" SET "nickname" = lower("name");
