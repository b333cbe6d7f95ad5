-- Hand-written: one ALTER TABLE with two actions, lower case, a trailing comment.
alter table "User"
  add column "managerId" integer,
  add constraint "User_teamId_fkey" foreign key ("teamId") references "Team" ("id") not valid;  -- team of the user

alter table "User" add constraint user_manager_fk foreign key ("managerId") references "User" ("id") deferrable initially deferred not valid;
