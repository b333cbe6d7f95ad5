#include "verify/datagen.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "analysis/history.h"
#include "base/quote.h"
#include "support/pg_server.h"
#include "verify/load.h"

namespace lockstep::verify {
namespace {

schema::Catalog CatalogOf(const std::string& sql) {
  analysis::History h = analysis::Replay({{"0_init", "0_init/migration.sql", sql}}, 1);
  return h.final_catalog;
}

constexpr const char* kShop = R"sql(
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN', 'it''s');
CREATE TABLE "Org" (
  "id" SERIAL NOT NULL,
  "name" VARCHAR(6) NOT NULL,
  CONSTRAINT "Org_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "User" (
  "id" UUID NOT NULL,
  "orgId" INTEGER NOT NULL,
  "managerId" UUID,
  "email" TEXT NOT NULL,
  "role" "Role" NOT NULL DEFAULT 'USER',
  "score" DECIMAL(4,2),
  "tags" TEXT[],
  "bornOn" DATE,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "active" BOOLEAN NOT NULL DEFAULT true,
  "meta" JSONB,
  CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
ALTER TABLE "User" ADD CONSTRAINT "User_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org"("id");
ALTER TABLE "User" ADD CONSTRAINT "User_managerId_fkey" FOREIGN KEY ("managerId") REFERENCES "User"("id");
)sql";

TEST(PlanFillTest, ParentsComeFirstAndKeysAreFound) {
  schema::Catalog c = CatalogOf(kShop);
  Result<FillPlan> plan = PlanFill(c, {{"", "User"}}, 100);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->tables.size(), 2u);
  EXPECT_EQ(plan->tables[0].name.name, "Org");
  EXPECT_FALSE(plan->tables[0].workload);
  const TablePlan& user = plan->tables[1];
  EXPECT_EQ(user.name.name, "User");
  EXPECT_TRUE(user.workload);
  ASSERT_EQ(user.key.size(), 1u);
  EXPECT_EQ(user.columns[user.key[0]].name, "id");
  EXPECT_EQ(user.columns[1].kind, ValueKind::kForeignKey);
  EXPECT_FALSE(user.columns[1].self_reference);
  EXPECT_TRUE(user.columns[2].self_reference);
  EXPECT_EQ(user.columns[4].kind, ValueKind::kEnum);
  // The update column is not a key, not a foreign key and not indexed.
  const std::string update = user.columns[user.update_column].name;
  EXPECT_NE(update, "id");
  EXPECT_NE(update, "email");
  EXPECT_NE(update, "orgId");
  EXPECT_NE(update, "managerId");
}

TEST(PlanFillTest, ValuesAreDistinctAndForeignKeysPointAtParentRows) {
  schema::Catalog c = CatalogOf(kShop);
  Result<FillPlan> plan = PlanFill(c, {{"", "User"}}, 1000);
  ASSERT_TRUE(plan.ok());
  std::set<std::string> ids, emails, org_names;
  for (int64_t r = 1; r <= 1000; ++r) {
    ids.insert(*Value(*plan, 1, 0, r));
    emails.insert(*Value(*plan, 1, 3, r));
    org_names.insert(*Value(*plan, 0, 1, r));
    // orgId of row r is the id of org row ((r - 1) % 1000) + 1.
    EXPECT_EQ(*Value(*plan, 1, 1, r), *Value(*plan, 0, 0, (r - 1) % 1000 + 1));
    EXPECT_EQ(*Value(*plan, 1, 2, r), *Value(*plan, 1, 0, (r + 1) / 2));
  }
  EXPECT_EQ(ids.size(), 1000u);
  EXPECT_EQ(emails.size(), 1000u);
  EXPECT_EQ(org_names.size(), 1000u);  // VARCHAR(6): base-36 row ids still fit
  for (const std::string& n : org_names) EXPECT_LE(n.size(), 6u);
}

TEST(PlanFillTest, UnknownNotNullTypeWithoutDefaultIsAnError) {
  schema::Catalog c = CatalogOf(R"(CREATE TABLE "T" ("id" INT PRIMARY KEY, "p" point NOT NULL);)");
  Result<FillPlan> plan = PlanFill(c, {{"", "T"}}, 10);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("column p"), std::string::npos) << plan.status().message();
}

// issue 12.15: Prisma's enum swap (create X_new, retype the columns, rename X away and X_new
// into its name) left verify asking for values of a type that no longer exists.
TEST(PlanFillTest, EnumSwapKeepsTheColumnsEnum) {
  for (const char* schema : {"", "\"public\"."}) {
    SCOPED_TRACE(schema);
    const std::string s = schema;
    analysis::History h = analysis::Replay(
        {{"0_init", "0_init/migration.sql",
          "CREATE TYPE " + s +
              "\"DataSource\" AS ENUM ('a', 'b');\n"
              "CREATE TABLE \"T\" (\"id\" INT PRIMARY KEY, \"source\" " +
              s + "\"DataSource\" NOT NULL, \"sources\" " + s + "\"DataSource\"[] NOT NULL);"},
         {"1_swap", "1_swap/migration.sql",
          "BEGIN;\nCREATE TYPE " + s +
              "\"DataSource_new\" AS ENUM ('b', 'c');\n"
              "ALTER TABLE \"T\" ALTER COLUMN \"source\" TYPE " +
              s +
              "\"DataSource_new\" USING "
              "(\"source\"::text::" +
              s +
              "\"DataSource_new\");\n"
              "ALTER TABLE \"T\" ALTER COLUMN \"sources\" TYPE " +
              s +
              "\"DataSource_new\"[] USING "
              "(\"sources\"::text::" +
              s +
              "\"DataSource_new\"[]);\n"
              "ALTER TYPE " +
              s +
              "\"DataSource\" RENAME TO \"DataSource_old\";\n"
              "ALTER TYPE " +
              s +
              "\"DataSource_new\" RENAME TO \"DataSource\";\n"
              "DROP TYPE " +
              s + "\"DataSource_old\";\nCOMMIT;\n"}},
        2);
    Result<FillPlan> plan = PlanFill(h.final_catalog, {{"", "T"}}, 10);
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
    for (size_t col : {1u, 2u}) {
      const ColumnPlan& c = plan->tables[0].columns[col];
      EXPECT_EQ(c.kind, ValueKind::kEnum) << c.name;
      EXPECT_EQ(c.enum_values, (std::vector<std::string>{"b", "c"})) << c.name;
    }
  }
}

// issue 12.15: a foreign-key cycle that passes through a nullable column is loaded by leaving
// that column NULL, whichever table of the cycle the pending migration touches first.
constexpr const char* kCycle = R"sql(
CREATE TABLE "Team" ("id" INT PRIMARY KEY, "ownerId" INT NOT NULL);
CREATE TABLE "Member" ("id" INT PRIMARY KEY, "teamId" INT);
CREATE TABLE "Badge" ("id" INT PRIMARY KEY, "memberId" INT NOT NULL);
ALTER TABLE "Team" ADD CONSTRAINT "Team_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Member"("id");
ALTER TABLE "Member" ADD CONSTRAINT "Member_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id");
ALTER TABLE "Badge" ADD CONSTRAINT "Badge_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id");
)sql";

TEST(PlanFillTest, ForeignKeyCycleIsBrokenAtItsNullableEdgeInEitherVisitOrder) {
  schema::Catalog c = CatalogOf(kCycle);
  for (const std::vector<sql::QName>& touched :
       std::vector<std::vector<sql::QName>>{{{"", "Team"}, {"", "Member"}},
                                            {{"", "Member"}, {"", "Team"}},
                                            {{"", "Badge"}, {"", "Team"}}}) {
    SCOPED_TRACE(touched.front().name);
    Result<FillPlan> plan = PlanFill(c, touched, 10);
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
    std::map<std::string, size_t> at;
    for (size_t i = 0; i < plan->tables.size(); ++i) at[plan->tables[i].name.name] = i;
    ASSERT_TRUE(at.count("Team") && at.count("Member"));
    EXPECT_LT(at["Member"], at["Team"]);  // Team.ownerId needs its Member first
    EXPECT_EQ(plan->tables[at["Member"]].columns[1].kind, ValueKind::kNull);
    EXPECT_EQ(plan->tables[at["Team"]].columns[1].kind, ValueKind::kForeignKey);
  }
}

TEST(PlanFillTest, ForeignKeyCycleOfNotNullColumnsIsAnError) {
  schema::Catalog c = CatalogOf(R"sql(
CREATE TABLE "A" ("id" INT PRIMARY KEY, "bId" INT NOT NULL);
CREATE TABLE "B" ("id" INT PRIMARY KEY, "aId" INT NOT NULL);
ALTER TABLE "A" ADD CONSTRAINT "A_bId_fkey" FOREIGN KEY ("bId") REFERENCES "B"("id");
ALTER TABLE "B" ADD CONSTRAINT "B_aId_fkey" FOREIGN KEY ("aId") REFERENCES "A"("id");
)sql");
  Result<FillPlan> plan = PlanFill(c, {{"", "A"}}, 10);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("NOT NULL foreign keys"), std::string::npos)
      << plan.status().message();
}

TEST(PlanFillTest, CopyTextEscapesValues) {
  schema::Catalog c = CatalogOf(kShop);
  Result<FillPlan> plan = PlanFill(c, {{"", "User"}}, 3);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(CopyStatement(plan->tables[0]), R"(COPY "public"."Org" ("id", "name") FROM STDIN)");
  std::string rows;
  AppendCopyRows(*plan, 0, 1, 3, &rows);
  EXPECT_EQ(rows, "1\tname-1\n2\tname-2\n3\tname-3\n");
}

class LoadTest : public testing::PgTest {};

std::vector<std::string> SchemaLines(db::Connection& conn) {
  auto rows = conn.Exec(R"(
    SELECT 'index ' || pg_get_indexdef(indexrelid) || ' ' || indisvalid FROM pg_index
    WHERE indrelid IN ('"Org"'::regclass, '"User"'::regclass)
    UNION ALL
    SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' ||
           pg_get_constraintdef(oid) || ' ' || convalidated
    FROM pg_constraint WHERE conrelid IN ('"Org"'::regclass, '"User"'::regclass)
    ORDER BY 1)");
  std::vector<std::string> out;
  if (!rows.ok()) return {rows.status().ToString()};
  for (const auto& r : rows->rows) out.push_back(r[0].value_or(""));
  return out;
}

TEST_F(LoadTest, LoadsRowsThatSatisfyEveryConstraint) {
  ASSERT_TRUE(conn().Exec(kShop).ok());
  // An index whose name differs from its constraint's survives the load under its own name.
  ASSERT_TRUE(conn().Exec(R"(ALTER INDEX "Org_pkey" RENAME TO "org_primary")").ok());
  ASSERT_TRUE(conn().Exec(R"(CREATE INDEX "User_createdAt_idx" ON "User"("createdAt" DESC))").ok());
  const std::vector<std::string> before = SchemaLines(conn());
  ASSERT_EQ(before.size(), 8u);
  schema::Catalog c = CatalogOf(kShop);
  Result<FillPlan> plan = PlanFill(c, {{"", "User"}}, 5000);
  ASSERT_TRUE(plan.ok());
  Status s = Load(db().socket_conninfo(), *plan);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(SchemaLines(conn()), before);
  auto count =
      conn().Exec(R"(SELECT count(*), count(DISTINCT "role"), count("managerId") FROM "User")");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->rows[0][0], "5000");
  EXPECT_EQ(count->rows[0][1], "3");
  EXPECT_EQ(count->rows[0][2], "5000");
  // The serial's sequence was moved past the loaded ids: a default insert does not collide.
  auto ins = conn().Exec(R"(INSERT INTO "Org" ("name") VALUES ('x') RETURNING "id")");
  ASSERT_TRUE(ins.ok()) << ins.status().ToString();
  EXPECT_GT(std::stoll(*ins->rows[0][0]), 5000);
  // A workload-style insert of a new row id, with OVERRIDING SYSTEM VALUE on a table without
  // identity columns, is accepted too.
  const TablePlan& user = plan->tables[1];
  std::vector<std::optional<std::string>> params;
  std::string cols, marks;
  for (size_t i : LoadedColumns(user)) {
    params.push_back(Value(*plan, 1, i, 5001));
    cols += (cols.empty() ? "" : ", ") + QuoteIdent(user.columns[i].name);
    marks += (marks.empty() ? "$" : ", $") + std::to_string(params.size());
  }
  auto ins2 = conn().Exec(
      "INSERT INTO \"User\" (" + cols + ") OVERRIDING SYSTEM VALUE VALUES (" + marks + ")", params);
  EXPECT_TRUE(ins2.ok()) << ins2.status().ToString();
}

// issue 12.15: CHECK constraints were ignored, so loading failed with a raw "violates check
// constraint" from COPY. Simple CHECKs are met; a table with another CHECK is left empty, with
// its reason, and so are the tables that need its rows.
constexpr const char* kChecks = R"sql(
CREATE TABLE "Settings" ("id" INT PRIMARY KEY CHECK ("id" = 1), "theme" TEXT NOT NULL);
CREATE TABLE "Review" (
  "id" SERIAL PRIMARY KEY,
  "settingsId" INT NOT NULL REFERENCES "Settings"("id"),
  "rating" INT NOT NULL CONSTRAINT "Review_rating_check" CHECK ("rating" BETWEEN 1 AND 5),
  "amount" NUMERIC(10, 2) CHECK ("amount" >= 0),
  "status" TEXT NOT NULL,
  "note" TEXT CHECK ("note" IS NULL OR "note" IN ('a', 'b')),
  "score" SMALLINT CHECK (score > -5 AND 0 > score),
  CONSTRAINT "Review_status_check" CHECK ("status" IN ('pending', 'approved'))
);
CREATE TABLE "Odd" ("id" TEXT PRIMARY KEY CHECK (char_length("id") BETWEEN 28 AND 40));
CREATE TABLE "OddChild" ("id" INT PRIMARY KEY, "oddId" TEXT NOT NULL REFERENCES "Odd"("id"));
CREATE TABLE "OddRef" ("id" INT PRIMARY KEY, "oddId" TEXT REFERENCES "Odd"("id"));
)sql";

TEST_F(LoadTest, LoadsRowsThatPassSimpleChecksAndSkipsOtherChecks) {
  ASSERT_TRUE(conn().Exec(kChecks).ok());
  schema::Catalog c = CatalogOf(kChecks);
  Result<FillPlan> plan = PlanFill(c, {{"", "Review"}, {"", "OddChild"}, {"", "OddRef"}}, 500);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  std::map<std::string, const TablePlan*> by_name;
  for (const TablePlan& t : plan->tables) by_name[t.name.name] = &t;
  ASSERT_EQ(by_name.size(), 5u);
  EXPECT_EQ(by_name["Settings"]->rows, 1);  // a singleton
  EXPECT_EQ(by_name["Review"]->rows, 500);
  EXPECT_TRUE(by_name["Review"]->skip_reason.empty()) << by_name["Review"]->skip_reason;
  EXPECT_EQ(by_name["Odd"]->rows, 0);
  EXPECT_NE(by_name["Odd"]->skip_reason.find("CHECK"), std::string::npos);
  EXPECT_EQ(by_name["OddChild"]->rows, 0);
  EXPECT_NE(by_name["OddChild"]->skip_reason.find("Odd"), std::string::npos);
  EXPECT_EQ(by_name["OddRef"]->rows, 500);
  EXPECT_EQ(by_name["OddRef"]->columns[1].kind, ValueKind::kNull);

  Status s = Load(db().socket_conninfo(), *plan);
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto counts = conn().Exec(
      R"(SELECT (SELECT count(*) FROM "Settings"), count(*), count(DISTINCT "status"),
                min("rating"), max("rating"), count(DISTINCT "rating"), min("score"),
                count("note"), (SELECT count(*) FROM "Odd") + (SELECT count(*) FROM "OddChild"),
                (SELECT count(*) FROM "OddRef") FROM "Review")");
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  const auto& row = counts->rows[0];
  EXPECT_EQ(row[0], "1");
  EXPECT_EQ(row[1], "500");
  EXPECT_EQ(row[2], "2");
  EXPECT_EQ(row[3], "1");
  EXPECT_EQ(row[4], "5");
  EXPECT_EQ(row[5], "5");
  EXPECT_EQ(row[6], "-4");
  EXPECT_EQ(row[7], "500");
  EXPECT_EQ(row[8], "0");
  EXPECT_EQ(row[9], "500");
}

// documenso's history inserts a service account into "User": the synthetic rows, which start at
// row id 1, collided with it when the primary key was rebuilt.
TEST_F(LoadTest, ReplacesRowsTheHistoryInserted) {
  ASSERT_TRUE(conn().Exec(kShop).ok());
  ASSERT_TRUE(conn().Exec(R"(INSERT INTO "Org" ("name") VALUES ('seed'))").ok());
  schema::Catalog c = CatalogOf(kShop);
  Result<FillPlan> plan = PlanFill(c, {{"", "User"}}, 100);
  ASSERT_TRUE(plan.ok());
  Status s = Load(db().socket_conninfo(), *plan);
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto count =
      conn().Exec(R"(SELECT count(*), count(*) FILTER (WHERE "name" = 'seed') FROM "Org")");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->rows[0][0], "100");
  EXPECT_EQ(count->rows[0][1], "0");
}

}  // namespace
}  // namespace lockstep::verify
