-- Hand-written: one ALTER TABLE with two actions, lower case, a trailing comment.
alter table "User"
  add column "managerId" integer,
  add foreign key ("teamId") references "Team" ("id");  -- team of the user

alter table "User" add constraint user_manager_fk foreign key ("managerId") references "User" ("id") deferrable initially deferred;
