// What the planner refuses or leaves alone, and the command's exit codes, on small histories.
#include "fix/planner.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "fix/golden.h"
#include "fix/server.h"

namespace lockstep::fixtest {
namespace {

const char* kHistory =
    "CREATE TABLE \"User\" (\"id\" SERIAL PRIMARY KEY, \"email\" TEXT, \"age\" INTEGER);\n";

fix::Plan PlanOf(const std::string& target, fix::Options o = {}) {
  Result<fix::Plan> p = fix::PlanFixOf({{"0_init", "0_init/migration.sql", kHistory},
                                        {"1_change", "1_change/migration.sql", target}},
                                       o);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? std::move(*p) : fix::Plan{};
}

TEST(PlannerTest, WhatCannotBeMadeSafeIsLeftUnchangedAndExplained) {
  for (const char* sql : {
           "ALTER TABLE \"User\" ADD COLUMN \"name\" TEXT NOT NULL;",
           // A plain column's type change is rewritten (type_change golden case), a key's with
           // the foreign keys to it (type_change_primary_key), but only as the whole migration.
           "ALTER TABLE \"User\" ALTER COLUMN \"id\" TYPE BIGINT;\n"
           "ALTER TABLE \"User\" ADD COLUMN \"nick\" TEXT;",
           // Renames are rewritten as expand/contract (rename_column and rename_table golden
           // cases) unless a dependent would make the expand wrong: a view reading the column,
           // a later statement using the renamed table.
           "CREATE VIEW \"UserMail\" AS SELECT \"email\" FROM \"User\";\n"
           "ALTER TABLE \"User\" RENAME COLUMN \"email\" TO \"mail\";",
           "ALTER TABLE \"User\" RENAME TO \"Person\";\n"
           "ALTER TABLE \"Person\" ADD COLUMN \"nick\" TEXT;",
           // A volatile default alone is rewritten (volatile_default golden case); beside a
           // UNIQUE, or from a serial type, it is not yet.
           "ALTER TABLE \"User\" ADD COLUMN \"token\" UUID DEFAULT gen_random_uuid() UNIQUE;",
           "ALTER TABLE \"User\" ADD COLUMN \"seq\" BIGSERIAL;",
       }) {
    const fix::Plan p = PlanOf(sql);
    EXPECT_EQ(p.rewritten, p.original) << sql;
    EXPECT_TRUE(p.after.empty()) << sql;
    ASSERT_EQ(p.unsafe.size(), 1u) << sql;
    EXPECT_FALSE(p.unsafe[0].steps.empty()) << sql;
  }
}

// Issue 13 item 2: a rewriting type change becomes expand/contract, its contract migration kept
// apart from `after`; one fix cannot make safe yet stays unsafe and says what is in the way.
TEST(PlannerTest, TypeChangeIsExpandContractOrSaysWhyNot) {
  const fix::Plan p = PlanOf("ALTER TABLE \"User\" ALTER COLUMN \"age\" TYPE BIGINT;");
  EXPECT_TRUE(p.unsafe.empty());
  EXPECT_NE(p.rewritten.find("ADD COLUMN \"age_new\" BIGINT"), std::string::npos) << p.rewritten;
  ASSERT_EQ(p.after.size(), 2u);  // backfill, swap (nullable: nothing to validate)
  EXPECT_EQ(p.after[0].sql.rfind("UPDATE ", 0), 0u) << p.after[0].sql;
  ASSERT_EQ(p.contract.size(), 1u);
  EXPECT_NE(p.contract[0].sql.find("DROP COLUMN \"age_old\""), std::string::npos);
  for (const fix::NewMigration& m : p.after)
    EXPECT_EQ(m.sql.find("DROP COLUMN"), std::string::npos) << m.sql;

  Result<fix::Plan> fk = fix::PlanFixOf(
      {{"0_init", "0_init/migration.sql",
        "CREATE TABLE \"User\" (\"id\" INTEGER PRIMARY KEY);\n"
        "CREATE TABLE \"Post\" (\"id\" INTEGER PRIMARY KEY, \"userId\" INTEGER REFERENCES "
        "\"User\"(\"id\"));\n"},
       {"1_change", "1_change/migration.sql",
        "ALTER TABLE \"Post\" ALTER COLUMN \"userId\" TYPE BIGINT;\n"}});
  ASSERT_TRUE(fk.ok()) << fk.status().ToString();
  EXPECT_EQ(fk->rewritten, fk->original);
  ASSERT_EQ(fk->unsafe.size(), 1u);
  EXPECT_NE(fk->unsafe[0].why.find("lockstep fix cannot rewrite it: the column is part of "
                                   "constraint Post_userId_fkey"),
            std::string::npos)
      << fk->unsafe[0].why;
}

// Issue 13 item 2's classic case: a primary key's type change is expand/contract with the
// foreign keys to it (type_change_primary_key golden case); what it cannot convert yet stays
// unsafe, naming what is in the way.
TEST(PlannerTest, KeyTypeChangeIsExpandContractOrSaysWhyNot) {
  const fix::Plan alone = PlanOf("ALTER TABLE \"User\" ALTER COLUMN \"id\" TYPE BIGINT;");
  EXPECT_TRUE(alone.unsafe.empty());
  // backfill, validate the NOT NULL check, unique index, swap (no foreign key to validate)
  ASSERT_EQ(alone.after.size(), 4u);
  EXPECT_NE(alone.after[2].sql.find("CREATE UNIQUE INDEX CONCURRENTLY \"User_id_new_key\""),
            std::string::npos)
      << alone.after[2].sql;
  EXPECT_NE(alone.after[3].sql.find("PRIMARY KEY USING INDEX \"User_id_new_key\""),
            std::string::npos)
      << alone.after[3].sql;
  ASSERT_EQ(alone.contract.size(), 1u);

  // A key's change that rewrites nothing needs no expand/contract.
  Result<fix::Plan> widen =
      fix::PlanFixOf({{"0_init", "0_init/migration.sql",
                       "CREATE TABLE \"K\" (\"code\" VARCHAR(10) PRIMARY KEY);\n"},
                      {"1_change", "1_change/migration.sql",
                       "ALTER TABLE \"K\" ALTER COLUMN \"code\" TYPE VARCHAR(20);\n"}});
  ASSERT_TRUE(widen.ok()) << widen.status().ToString();
  EXPECT_FALSE(widen->changed()) << widen->rewritten;
  EXPECT_TRUE(widen->unsafe.empty());

  const std::string users = "CREATE TABLE \"User\" (\"id\" SERIAL PRIMARY KEY);\n";
  const std::string posts =
      "CREATE TABLE \"Post\" (\"id\" INTEGER PRIMARY KEY, \"userId\" INTEGER NOT NULL);\n"
      "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_userId_fkey\" FOREIGN KEY (\"userId\") "
      "REFERENCES \"User\"(\"id\");\n";
  const std::string prisma =
      "ALTER TABLE \"Post\" DROP CONSTRAINT \"Post_userId_fkey\";\n"
      "ALTER TABLE \"Post\" ALTER COLUMN \"userId\" SET DATA TYPE BIGINT;\n"
      "ALTER TABLE \"User\" ALTER COLUMN \"id\" SET DATA TYPE BIGINT;\n"
      "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_userId_fkey\" FOREIGN KEY (\"userId\") "
      "REFERENCES \"User\"(\"id\");\n";
  const struct {
    std::string history, change, why;
  } refused[] = {
      {"CREATE TABLE \"A\" (\"id\" INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);\n",
       "ALTER TABLE \"A\" ALTER COLUMN \"id\" TYPE BIGINT;\n", "the key is an identity column"},
      {users + posts, "ALTER TABLE \"User\" ALTER COLUMN \"id\" TYPE BIGINT;\n",
       "foreign key Post_userId_fkey of public.Post references the key and the migration does "
       "not drop and re-add it"},
      {users + posts + "CREATE INDEX \"Post_userId_idx\" ON \"Post\"(lower(\"userId\"::text));\n",
       prisma, "index public.Post_userId_idx may use the referencing column userId"},
      {users + posts, prisma + "ALTER TABLE \"Post\" ADD COLUMN \"x\" TEXT;\n",
       "statement 5 of the migration does more than drop, re-add or convert a foreign key"},
  };
  for (const auto& r : refused) {
    Result<fix::Plan> p = fix::PlanFixOf({{"0_init", "0_init/migration.sql", r.history},
                                          {"1_change", "1_change/migration.sql", r.change}});
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    // Nothing of the expand is written (the foreign keys' re-adds are still made NOT VALID).
    EXPECT_EQ(p->rewritten.find("_new"), std::string::npos) << p->rewritten;
    EXPECT_TRUE(p->contract.empty()) << r.change;
    ASSERT_FALSE(p->unsafe.empty()) << r.change;
    bool named = false;
    for (const fix::Unsafe& u : p->unsafe) named = named || u.why.find(r.why) != std::string::npos;
    EXPECT_TRUE(named) << r.change << "\nwant: " << r.why << "\ngot: " << p->unsafe[0].why;
  }
}

// Prisma's enum change (civitai's corpus migration): the type change is followed by renaming and
// dropping the old type, which the old column still uses until the contract: left unsafe.
TEST(PlannerTest, AnEnumChangeThatDropsTheOldTypeStaysUnsafe) {
  Result<fix::Plan> p = fix::PlanFixOf(
      {{"0_init", "0_init/migration.sql",
        "CREATE TYPE \"Kind\" AS ENUM ('a', 'b', 'c');\n"
        "CREATE TABLE \"Act\" (\"id\" INTEGER PRIMARY KEY, \"kind\" \"Kind\" NOT NULL);\n"},
       {"1_change", "1_change/migration.sql",
        "BEGIN;\n"
        "CREATE TYPE \"Kind_new\" AS ENUM ('a', 'b');\n"
        "ALTER TABLE \"Act\" ALTER COLUMN \"kind\" TYPE \"Kind_new\" USING "
        "(\"kind\"::text::\"Kind_new\");\n"
        "ALTER TYPE \"Kind\" RENAME TO \"Kind_old\";\n"
        "ALTER TYPE \"Kind_new\" RENAME TO \"Kind\";\n"
        "DROP TYPE \"Kind_old\";\n"
        "COMMIT;\n"}});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(p->contract.empty());
  ASSERT_EQ(p->unsafe.size(), 1u);
  EXPECT_NE(p->unsafe[0].why.find("a later statement of the migration alters, renames or drops a "
                                  "type"),
            std::string::npos)
      << p->unsafe[0].why;
}

// Bad input for the rename rewrites: a clear reason, and nothing of the expand written.
TEST(PlannerTest, RenamesThatCannotBeExpandedSayWhy) {
  const fix::Plan view = PlanOf(
      "CREATE VIEW \"UserMail\" AS SELECT \"email\" FROM \"User\";\n"
      "ALTER TABLE \"User\" RENAME COLUMN \"email\" TO \"mail\";");
  ASSERT_EQ(view.unsafe.size(), 1u);
  EXPECT_NE(view.unsafe[0].why.find("view public.UserMail reads the table"), std::string::npos)
      << view.unsafe[0].why;
  EXPECT_TRUE(view.contract.empty());
  const fix::Plan generated = PlanOf(
      "ALTER TABLE \"User\" ADD COLUMN \"double\" INTEGER GENERATED ALWAYS AS (\"age\" * 2) "
      "STORED;\n"
      "ALTER TABLE \"User\" RENAME COLUMN \"age\" TO \"years\";");
  ASSERT_FALSE(generated.unsafe.empty());
  EXPECT_NE(generated.unsafe.back().why.find("generated column double"), std::string::npos)
      << generated.unsafe.back().why;
  EXPECT_TRUE(generated.contract.empty());
  const fix::Plan later = PlanOf(
      "ALTER TABLE \"User\" RENAME TO \"Person\";\n"
      "ALTER TABLE \"Person\" ADD COLUMN \"nick\" TEXT;");
  ASSERT_EQ(later.unsafe.size(), 1u);
  EXPECT_NE(later.unsafe[0].why.find("a later statement uses the table (line 2"), std::string::npos)
      << later.unsafe[0].why;
  EXPECT_EQ(later.rewritten, later.original);
  EXPECT_TRUE(later.contract.empty());
}

TEST(PlannerTest, OlderServersGetNoRewriteTheyCannotRun) {
  fix::Options pg11;
  pg11.pg_version = 11;
  const fix::Plan p = PlanOf("ALTER TABLE \"User\" ALTER COLUMN \"email\" SET NOT NULL;", pg11);
  EXPECT_EQ(p.rewritten, p.original);
  EXPECT_EQ(p.unsafe.size(), 1u);
  const fix::Plan p15 = PlanOf("ALTER TABLE \"User\" ALTER COLUMN \"email\" SET NOT NULL;");
  EXPECT_NE(p15.rewritten, p15.original);
  EXPECT_TRUE(p15.unsafe.empty());
}

TEST(PlannerTest, MinimalLeavesNewTablesAloneAndSaysWhy) {
  const std::string sql =
      "CREATE TABLE \"Post\" (\"id\" SERIAL PRIMARY KEY, \"userId\" INTEGER);\n"
      "CREATE INDEX \"Post_userId_idx\" ON \"Post\"(\"userId\");\n"
      "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_userId_fkey\" FOREIGN KEY (\"userId\") "
      "REFERENCES \"User\"(\"id\");\n";
  fix::Options minimal;
  minimal.minimal = true;
  const fix::Plan m = PlanOf(sql, minimal);
  EXPECT_FALSE(m.changed());
  EXPECT_EQ(m.left_alone.size(), 2u);
  const fix::Plan seed = PlanOf(sql);
  EXPECT_EQ(seed.after.size(), 2u);  // validation, then the index
}

TEST(PlannerTest, AnIndexALaterStatementUsesIsNotMoved) {
  const fix::Plan p = PlanOf(
      "CREATE INDEX \"User_email_idx\" ON \"User\"(\"email\");\n"
      "ALTER INDEX \"User_email_idx\" RENAME TO \"User_mail_idx\";\n");
  EXPECT_EQ(p.rewritten, p.original);
  EXPECT_EQ(p.unsafe.size(), 1u);
}

const char* kPostAndKey =
    "CREATE TABLE \"Post\" (\"id\" SERIAL PRIMARY KEY, \"authorEmail\" TEXT);\n"
    "CREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\");\n"
    "ALTER TABLE \"Post\" ADD FOREIGN KEY (\"authorEmail\") REFERENCES \"User\"(\"email\");\n";

TEST(PlannerTest, AForeignKeyFollowsTheMovedUniqueIndexItNeeds) {
  for (const bool minimal : {false, true}) {
    SCOPED_TRACE(minimal ? "--minimal" : "the seed's policy");
    fix::Options o;
    o.minimal = minimal;
    const fix::Plan p = PlanOf(kPostAndKey, o);
    EXPECT_TRUE(p.unsafe.empty()) << p.unsafe.front().why;
    EXPECT_EQ(p.rewritten,
              "CREATE TABLE \"Post\" (\"id\" SERIAL PRIMARY KEY, \"authorEmail\" TEXT);\n");
    // The index first, then the key added NOT VALID (named as PostgreSQL would name it), then
    // validated in a migration of its own: never the add's lock held through the scan.
    ASSERT_EQ(p.after.size(), 3u);
    EXPECT_EQ(p.after[0].sql,
              "CREATE UNIQUE INDEX CONCURRENTLY \"User_email_key\" ON \"User\"(\"email\");\n");
    EXPECT_FALSE(p.after[0].transactional);
    EXPECT_EQ(p.after[1].sql,
              "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_authorEmail_fkey\" FOREIGN KEY "
              "(\"authorEmail\") REFERENCES \"User\"(\"email\") NOT VALID;\n");
    EXPECT_EQ(p.after[2].sql,
              "ALTER TABLE \"Post\" VALIDATE CONSTRAINT \"Post_authorEmail_fkey\";\n");
  }
}

TEST(PlannerTest, AForeignKeyThatCannotFollowItsIndexKeepsTheIndexUnsafe) {
  for (const char* later : {
           "ALTER TABLE \"Post\" DROP CONSTRAINT \"Post_authorEmail_fkey\";\n",
           "ALTER TABLE \"Post\" RENAME COLUMN \"authorEmail\" TO \"email\";\n",
           "INSERT INTO \"Post\" (\"authorEmail\") VALUES ('a@b.c');\n",
       }) {
    const std::string sql = std::string(kPostAndKey) + later;
    const fix::Plan p = PlanOf(sql);
    ASSERT_EQ(p.unsafe.size(), 1u) << later;
    EXPECT_NE(p.unsafe[0].what.find("CREATE UNIQUE INDEX"), std::string::npos) << later;
    EXPECT_NE(p.unsafe[0].why.find("a foreign key added at line 3 needs it as its unique key, and "
                                   "that foreign key cannot follow it: "),
              std::string::npos)
        << p.unsafe[0].why;
    EXPECT_NE(p.rewritten.find("CREATE UNIQUE INDEX \"User_email_key\""), std::string::npos);
    for (const fix::NewMigration& m : p.after)
      EXPECT_EQ(m.sql.find("User_email_key"), std::string::npos) << m.sql;
  }
}

// A CONCURRENTLY statement among others is isolated after the rest; what needs it follows it.
TEST(PlannerTest, AForeignKeyFollowsAnIsolatedConcurrentUniqueIndex) {
  const std::string index =
      "CREATE UNIQUE INDEX CONCURRENTLY \"User_email_key\" ON \"User\"(\"email\");\n";
  const std::string key =
      "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_authorEmail_fkey\" FOREIGN KEY "
      "(\"authorEmail\") REFERENCES \"User\"(\"email\");\n";
  const std::string post =
      "CREATE TABLE \"Post\" (\"id\" SERIAL PRIMARY KEY, \"authorEmail\" TEXT);\n";
  {
    const fix::Plan p = PlanOf(post + index + key);
    EXPECT_TRUE(p.unsafe.empty()) << p.unsafe.front().why;
    EXPECT_EQ(p.rewritten, post);
    ASSERT_EQ(p.after.size(), 3u);
    EXPECT_EQ(p.after[0].sql, index);  // unchanged: it was already CONCURRENTLY
    EXPECT_FALSE(p.after[0].transactional);
    EXPECT_EQ(p.after[1].sql,
              "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_authorEmail_fkey\" FOREIGN KEY "
              "(\"authorEmail\") REFERENCES \"User\"(\"email\") NOT VALID;\n");
    EXPECT_EQ(p.after[2].sql,
              "ALTER TABLE \"Post\" VALIDATE CONSTRAINT \"Post_authorEmail_fkey\";\n");
  }
  {
    // Index and key alone on existing tables: the index stays as the only statement of the
    // target, the key follows in the next two migrations (never in the validation migration,
    // which would run before the index).
    Result<fix::Plan> p =
        fix::PlanFixOf({{"0_init", "0_init/migration.sql", std::string(kHistory) + post},
                        {"1_change", "1_change/migration.sql", index + key}});
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_TRUE(p->unsafe.empty()) << p->unsafe.front().why;
    EXPECT_EQ(p->rewritten, index);
    ASSERT_EQ(p->after.size(), 2u);
    EXPECT_NE(p->after[0].sql.find("NOT VALID"), std::string::npos) << p->after[0].sql;
    EXPECT_NE(p->after[1].sql.find("VALIDATE CONSTRAINT"), std::string::npos) << p->after[1].sql;
  }
}

fix::Plan PlanAfterIndexes(const std::string& target);

TEST(PlannerTest, AnIsolatedStatementALaterStatementNeedsIsUnsafe) {
  struct Case {
    std::string sql;
    std::string statement;  // the isolated statement, as the plan names it
    std::string why;
  };
  const std::string post =
      "CREATE TABLE \"Post\" (\"id\" SERIAL PRIMARY KEY, \"authorEmail\" TEXT);\n";
  const std::string unique_index =
      "CREATE UNIQUE INDEX CONCURRENTLY \"User_email_key\" ON \"User\"(\"email\");\n";
  const std::string key =
      "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_authorEmail_fkey\" FOREIGN KEY "
      "(\"authorEmail\") REFERENCES \"User\"(\"email\");\n";
  const std::vector<Case> cases = {
      // The foreign key cannot follow the index: it is dropped later in the file.
      {post + unique_index + key +
           "ALTER TABLE \"Post\" DROP CONSTRAINT \"Post_authorEmail_fkey\";\n",
       "CREATE UNIQUE INDEX CONCURRENTLY", "that foreign key cannot follow it"},
      {post + unique_index +
           "CREATE TABLE \"Draft\" (\"id\" SERIAL PRIMARY KEY, \"email\" TEXT "
           "REFERENCES \"User\"(\"email\"));\n",
       "CREATE UNIQUE INDEX CONCURRENTLY", "a foreign key needs it at line 3"},
      {"CREATE INDEX CONCURRENTLY \"User_age_idx\" ON \"User\"(\"age\");\n"
       "ALTER INDEX \"User_age_idx\" RENAME TO \"User_years_idx\";\n",
       "CREATE INDEX CONCURRENTLY", "an index of that name is renamed at line 2"},
      {"DROP INDEX CONCURRENTLY \"User_email_idx\";\n"
       "ALTER TABLE \"User\" DROP COLUMN \"email\";\n",
       "DROP INDEX CONCURRENTLY", "a column it uses is dropped at line 2"},
      // Re-created under the same name on a new table: that unique index stays in place.
      {"DROP INDEX CONCURRENTLY \"User_email_idx\";\n"
       "CREATE TABLE \"Mail\" (\"id\" SERIAL PRIMARY KEY, \"address\" TEXT);\n"
       "CREATE UNIQUE INDEX \"User_email_idx\" ON \"Mail\"(\"address\");\n",
       "DROP INDEX CONCURRENTLY", "an index of the same name is created at line 3"},
      {"REINDEX INDEX CONCURRENTLY \"User_age_idx\";\n"
       "DROP INDEX \"User_age_idx\" CASCADE;\n",
       "REINDEX INDEX CONCURRENTLY", "it is dropped at line 2"},
      {"VACUUM \"User\";\nALTER TABLE \"User\" SET SCHEMA \"archive\";\n", "VACUUM",
       "its table moves schema at line 2"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.sql);
    const fix::Plan p = PlanAfterIndexes(c.sql);
    const fix::Unsafe* u = nullptr;
    for (const fix::Unsafe& x : p.unsafe)
      if (x.what.rfind(c.statement, 0) == 0) u = &x;
    ASSERT_NE(u, nullptr) << p.unsafe.size() << " unsafe";
    EXPECT_NE(u->why.find("it cannot be moved after the rest of the migration: "),
              std::string::npos)
        << u->why;
    EXPECT_NE(u->why.find(c.why), std::string::npos) << u->why;
    ASSERT_FALSE(u->steps.empty());
    EXPECT_NE(u->steps[0].find("split the migration at this statement"), std::string::npos);
    // Left where it was, not reordered behind what needs it.
    const std::string first = c.sql.substr(0, c.sql.find('\n') + 1);
    EXPECT_EQ(p.rewritten.rfind(first, 0), 0u) << p.rewritten;
    for (const fix::NewMigration& m : p.after) EXPECT_NE(m.sql, first) << m.sql;
  }
}

TEST(PlannerTest, AnIsolatedDropIndexRunsAfterTheIndexThatReusesItsName) {
  // The drop waits for every build (no index the migration keeps may go missing in between), so
  // the new index is built under a temporary name and renamed once the old one is gone.
  const fix::Plan p = PlanAfterIndexes(
      "DROP INDEX CONCURRENTLY \"User_email_idx\";\n"
      "CREATE INDEX \"User_email_idx\" ON \"User\"(lower(\"email\"));\n");
  EXPECT_TRUE(p.unsafe.empty()) << p.unsafe.front().why;
  EXPECT_EQ(p.rewritten,
            "CREATE INDEX CONCURRENTLY \"User_email_idx_new\" ON \"User\"(lower(\"email\"));\n");
  ASSERT_EQ(p.after.size(), 2u);
  EXPECT_EQ(p.after[0].sql, "DROP INDEX CONCURRENTLY \"User_email_idx\";\n");
  EXPECT_EQ(p.after[1].sql, "ALTER INDEX \"User_email_idx_new\" RENAME TO \"User_email_idx\";\n");
  EXPECT_TRUE(p.after[1].transactional);
}

TEST(PlannerTest, AUniqueIndexDropStaysWhenALaterForeignKeyMayDependOnIt) {
  // Moved, the drop would run after the foreign key, which may pick the old index as its key.
  const fix::Plan p =
      fix::PlanFixOf(
          {{"0_init", "0_init/migration.sql", kHistory},
           {"1_idx", "1_idx/migration.sql",
            "CREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\");\n"
            "CREATE TABLE \"Job\" (\"email\" TEXT);\n"},
           {"2_change", "2_change/migration.sql",
            "DROP INDEX \"User_email_key\";\n"
            "ALTER TABLE \"User\" ADD CONSTRAINT \"User_email_uq\" UNIQUE (\"email\");\n"
            "ALTER TABLE \"Job\" ADD CONSTRAINT \"Job_email_fkey\" FOREIGN KEY (\"email\") "
            "REFERENCES \"User\"(\"email\");\n"}})
          .value();
  ASSERT_FALSE(p.unsafe.empty());
  EXPECT_NE(p.unsafe.front().why.find("may depend on it"), std::string::npos)
      << p.unsafe.front().why;
  EXPECT_NE(p.rewritten.find("DROP INDEX \"User_email_key\";"), std::string::npos) << p.rewritten;
}

fix::Plan PlanAfterIndexes(const std::string& target) {
  Result<fix::Plan> p = fix::PlanFixOf({{"0_init", "0_init/migration.sql", kHistory},
                                        {"1_idx", "1_idx/migration.sql",
                                         "CREATE INDEX \"User_email_idx\" ON \"User\"(\"email\");\n"
                                         "CREATE INDEX \"User_age_idx\" ON \"User\"(\"age\");\n"},
                                        {"2_change", "2_change/migration.sql", target}});
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? std::move(*p) : fix::Plan{};
}

TEST(PlannerTest, ADropIndexMovesPastARenameOfItsColumn) {
  // DROP INDEX names the index only; umami's 09_update_hostname_region drops an index, renames
  // its column and builds the replacement on the new name: the drop waits for that build.
  const fix::Plan p = PlanAfterIndexes(
      "DROP INDEX \"User_age_idx\";\n"
      "ALTER TABLE \"User\" RENAME COLUMN \"age\" TO \"years\";\n"
      "CREATE INDEX \"User_years_idx\" ON \"User\"(\"years\");\n");
  ASSERT_EQ(p.after.size(), 2u) << p.rewritten;
  EXPECT_EQ(p.after[0].sql,
            "CREATE INDEX CONCURRENTLY \"User_years_idx\" ON \"User\"(\"years\");\n");
  EXPECT_EQ(p.after[1].sql, "DROP INDEX CONCURRENTLY \"User_age_idx\";\n");
}

TEST(PlannerTest, DroppingSeveralIndexesTakesOneMigrationEach) {
  const fix::Plan p =
      PlanAfterIndexes("drop index if exists \"User_email_idx\", public.\"User_age_idx\";\n");
  EXPECT_TRUE(p.unsafe.empty());
  // Nothing else is left in the target: the first drop takes its place.
  EXPECT_EQ(p.rewritten, "drop index concurrently if exists \"User_email_idx\";\n");
  ASSERT_EQ(p.after.size(), 1u);
  EXPECT_EQ(p.after[0].sql, "drop index concurrently if exists public.\"User_age_idx\";\n");
  EXPECT_FALSE(p.after[0].transactional);
}

TEST(PlannerTest, DropIndexCascadeIsUnsafeBecauseConcurrentlyCannotCascade) {
  for (const char* sql : {"DROP INDEX \"User_email_idx\" CASCADE;\n",
                          "DROP INDEX \"User_email_idx\", \"User_age_idx\" CASCADE;\n"}) {
    const fix::Plan p = PlanAfterIndexes(sql);
    EXPECT_FALSE(p.changed()) << sql;
    ASSERT_EQ(p.unsafe.size(), 1u) << sql;
    EXPECT_NE(p.unsafe[0].why.find("DROP INDEX CONCURRENTLY does not support CASCADE"),
              std::string::npos)
        << p.unsafe[0].why;
  }
}

// Prisma writes this pair when a field with @@index is removed: dropping the column drops its
// index under the ACCESS EXCLUSIVE lock DROP COLUMN takes anyway, so there is nothing to make safe.
TEST(PlannerTest, DropIndexOfAColumnDroppedLaterIsLeftAlone) {
  for (const char* sql : {
           "DROP INDEX \"User_age_idx\";\nALTER TABLE \"User\" DROP COLUMN \"age\";\n",
           "DROP INDEX \"User_age_idx\", \"User_email_idx\";\nALTER TABLE \"User\" DROP COLUMN "
           "\"age\", DROP COLUMN \"email\";\n",
           "DROP INDEX \"User_age_idx\";\nDROP TABLE \"User\";\n",
       }) {
    const fix::Plan p = PlanAfterIndexes(sql);
    EXPECT_TRUE(p.unsafe.empty()) << sql << p.unsafe.front().why;
    EXPECT_FALSE(p.changed()) << sql;
    ASSERT_EQ(p.left_alone.size(), 1u) << sql;
    EXPECT_NE(p.left_alone[0].how.find("goes anyway with line 2"), std::string::npos)
        << p.left_alone[0].how;
  }
  // An index that outlives the migration is still rewritten.
  const fix::Plan kept = PlanAfterIndexes(
      "DROP INDEX \"User_age_idx\";\nALTER TABLE \"User\" DROP COLUMN \"email\";\n");
  EXPECT_TRUE(kept.unsafe.empty());
  EXPECT_TRUE(kept.changed());
}

// Issue 13 item 2: a backfill among other statements moves to a migration of its own, but only
// when nothing left after it could need its rows, and only when deploy can batch it there.
TEST(PlannerTest, ABackfillMovesOnlyWhenNothingLaterNeedsItsRows) {
  const fix::Plan moved = PlanOf(
      "ALTER TABLE \"User\" ADD COLUMN \"name\" TEXT;\n"
      "UPDATE \"User\" SET \"name\" = \"email\";\n"
      "ALTER TABLE \"User\" ALTER COLUMN \"name\" SET NOT NULL;\n");
  ASSERT_GE(moved.after.size(), 1u);
  EXPECT_EQ(moved.after[0].sql, "UPDATE \"User\" SET \"name\" = \"email\";\n");
  EXPECT_EQ(moved.rewritten.find("UPDATE"), std::string::npos) << moved.rewritten;
  EXPECT_TRUE(moved.unsafe.empty());

  for (const char* sql : {
           // A later statement that reads the rows.
           "UPDATE \"User\" SET \"age\" = 0;\nINSERT INTO \"User\" (\"email\") SELECT "
           "max(\"email\") FROM \"User\" WHERE \"age\" = 0;\n",
           // Deploy could not batch it alone: RETURNING.
           "UPDATE \"User\" SET \"age\" = 0 RETURNING \"id\";\nSELECT 1;\n",
       }) {
    const fix::Plan p = PlanOf(sql);
    EXPECT_EQ(p.rewritten, p.original) << sql;
    EXPECT_TRUE(p.after.empty()) << sql;
    ASSERT_FALSE(p.left_alone.empty()) << sql;
    EXPECT_NE(p.left_alone[0].how.find("backfill"), std::string::npos) << p.left_alone[0].how;
  }
}

TEST(PlannerTest, ABackfillOfATableWithoutAPrimaryKeyStays) {
  Result<fix::Plan> p = fix::PlanFixOf(
      {{"0_init", "0_init/migration.sql", "CREATE TABLE t (a int, b int);\n"},
       {"1_change", "1_change/migration.sql", "ALTER TABLE t ADD c int;\nUPDATE t SET c = a;\n"}});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(p->after.empty());
  ASSERT_EQ(p->left_alone.size(), 1u);
  EXPECT_NE(p->left_alone[0].how.find("no primary key"), std::string::npos) << p->left_alone[0].how;
}

TEST(PlannerTest, SyntaxErrorsPointAtTheFile) {
  Result<fix::Plan> p = fix::PlanFixOf({{"1_bad", "1_bad/migration.sql", "CREATE TABEL x ();"}});
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().where(), "1_bad/migration.sql:1:8");
}

int RunFixCommand(const std::string& args, std::string* out) {
  const std::string cmd = std::string(LOCKSTEP_BIN) + " fix " + args + " 2>&1";
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) return -1;
  char buf[4096];
  while (fgets(buf, sizeof buf, f)) *out += buf;
  const int status = pclose(f);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(FixCommandTest, UnsafeExitsThreeAndWritesNothingUnlessAllowed) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "migrations";
  fs::create_directories(dir / "0_init");
  fs::create_directories(dir / "20240101000000_change");
  std::ofstream(dir / "0_init" / "migration.sql") << kHistory;
  const std::string change =
      "CREATE INDEX \"User_age_idx\" ON \"User\"(\"age\");\n"
      "ALTER TABLE \"User\" ADD COLUMN \"name\" TEXT NOT NULL;\n";
  std::ofstream(dir / "20240101000000_change" / "migration.sql") << change;
  std::string out;
  EXPECT_EQ(RunFixCommand((dir / "20240101000000_change").string(), &out), 3) << out;
  EXPECT_NE(out.find("NOT NULL without a DEFAULT"), std::string::npos) << out;
  EXPECT_EQ(ReadAll(dir / "20240101000000_change" / "migration.sql"), change);
  EXPECT_FALSE(fs::exists(dir / "20240101000001_idx_user_age"));
  out.clear();
  EXPECT_EQ(RunFixCommand((dir / "20240101000000_change").string() + " --allow-unsafe", &out), 0)
      << out;
  EXPECT_EQ(ReadAll(dir / "20240101000000_change" / "migration.sql"),
            "ALTER TABLE \"User\" ADD COLUMN \"name\" TEXT NOT NULL;\n");
  EXPECT_EQ(ReadAll(dir / "20240101000001_idx_user_age" / "migration.sql"),
            "CREATE INDEX CONCURRENTLY \"User_age_idx\" ON \"User\"(\"age\");\n");
  out.clear();
  EXPECT_EQ(RunFixCommand(dir.string() + " --dry-run", &out), 0)
      << out;  // the last one: nothing to do
  EXPECT_NE(out.find("nothing to change"), std::string::npos) << out;
}

// `fix --out X && deploy X` must work whether or not the migration needed a change.
TEST(FixCommandTest, OutWritesTheCopyEvenWhenNothingChanges) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "migrations";
  fs::create_directories(dir / "0_init");
  fs::create_directories(dir / "20240101000000_index");
  std::ofstream(dir / "0_init" / "migration.sql") << kHistory;
  const std::string safe = "CREATE INDEX CONCURRENTLY \"User_age_idx\" ON \"User\"(\"age\");\n";
  std::ofstream(dir / "20240101000000_index" / "migration.sql") << safe;
  std::ofstream(dir / "migration_lock.toml") << "provider = \"postgresql\"\n";
  const fs::path out_dir = tmp.path() / "fixed";
  std::string out;
  EXPECT_EQ(RunFixCommand(dir.string() + " --out " + out_dir.string(), &out), 0) << out;
  EXPECT_NE(out.find("nothing to change"), std::string::npos) << out;
  EXPECT_EQ(ReadAll(out_dir / "0_init" / "migration.sql"), kHistory);
  EXPECT_EQ(ReadAll(out_dir / "20240101000000_index" / "migration.sql"), safe);
  EXPECT_TRUE(fs::exists(out_dir / "migration_lock.toml"));
}

// Exit 3 says what cannot be made safe; "nothing to change" after it would read as "all is well".
TEST(FixCommandTest, UnsafeDoesNotSayNothingToChange) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "migrations";
  fs::create_directories(dir / "0_init");
  fs::create_directories(dir / "20240101000000_change");
  std::ofstream(dir / "0_init" / "migration.sql") << kHistory;
  std::ofstream(dir / "20240101000000_change" / "migration.sql")
      << "ALTER TABLE \"User\" ADD COLUMN \"name\" TEXT NOT NULL;\n";
  for (const char* flags : {"", " --dry-run", " --out "}) {
    std::string args = dir.string() + flags;
    if (std::string(flags) == " --out ") args += (tmp.path() / "fixed").string();
    std::string out;
    EXPECT_EQ(RunFixCommand(args, &out), 3) << out;
    EXPECT_NE(out.find("cannot be made safe"), std::string::npos) << out;
    EXPECT_EQ(out.find("nothing to change"), std::string::npos) << flags << "\n" << out;
  }
  EXPECT_FALSE(fs::exists(tmp.path() / "fixed"));
}

// Without PATH, fix finds the project in the current directory as lint and verify do, and names
// the migration it picked.
TEST(FixCommandTest, WithoutPathFixesTheLastMigrationOfTheProject) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "prisma" / "migrations";
  fs::create_directories(dir / "0_init");
  fs::create_directories(dir / "20240101000000_change");
  std::ofstream(dir / "0_init" / "migration.sql") << kHistory;
  std::ofstream(dir / "20240101000000_change" / "migration.sql")
      << "CREATE INDEX \"User_age_idx\" ON \"User\"(\"age\");\n";
  const std::string cmd = "cd '" + tmp.path().string() + "' && env -u DATABASE_URL " +
                          std::string(LOCKSTEP_BIN) + " fix --dry-run 2>&1";
  FILE* f = popen(cmd.c_str(), "r");
  ASSERT_NE(f, nullptr);
  std::string out;
  char buf[4096];
  while (fgets(buf, sizeof buf, f)) out += buf;
  const int status = pclose(f);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;
  EXPECT_NE(out.find("no PATH given: 20240101000000_change is the last pending migration of"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("CREATE INDEX CONCURRENTLY \"User_age_idx\""), std::string::npos) << out;
}

TEST(FixCommandTest, RefusesAMigrationAlreadyAppliedInTheDatabase) {
  auto db = testing::TestDatabase::Create(kFixPgMajor, "fix_applied");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_TRUE(
      (*db)
          ->conn()
          .Exec("CREATE TABLE _prisma_migrations (id VARCHAR(36) PRIMARY KEY, checksum "
                "VARCHAR(64) NOT NULL, finished_at TIMESTAMPTZ, migration_name VARCHAR(255) "
                "NOT NULL, logs TEXT, rolled_back_at TIMESTAMPTZ, started_at TIMESTAMPTZ NOT "
                "NULL DEFAULT now(), applied_steps_count INTEGER NOT NULL DEFAULT 0)")
          .ok());
  const std::string seed = (SourceDir() / "examples/community/prisma/migrations").string();
  std::string out;
  EXPECT_EQ(RunFixCommand(seed + " --dry-run --database '" + (*db)->url() + "'", &out), 0) << out;
  ASSERT_TRUE(
      (*db)
          ->conn()
          .Exec("INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name) "
                "VALUES ('1', 'x', now(), '20260123015816_add_v2_tables')")
          .ok());
  out.clear();
  EXPECT_EQ(RunFixCommand(seed + " --dry-run --database '" + (*db)->url() + "'", &out), 2) << out;
  EXPECT_NE(out.find("already applied"), std::string::npos) << out;
  EXPECT_EQ(out.find((*db)->server().password()), std::string::npos) << "password printed";
}

}  // namespace
}  // namespace lockstep::fixtest
