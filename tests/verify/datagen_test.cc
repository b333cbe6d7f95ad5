#include "verify/datagen.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "analysis/history.h"
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
    cols += (cols.empty() ? "" : ", ") + db::QuoteIdent(user.columns[i].name);
    marks += (marks.empty() ? "$" : ", $") + std::to_string(params.size());
  }
  auto ins2 = conn().Exec(
      "INSERT INTO \"User\" (" + cols + ") OVERRIDING SYSTEM VALUE VALUES (" + marks + ")", params);
  EXPECT_TRUE(ins2.ok()) << ins2.status().ToString();
}

}  // namespace
}  // namespace lockstep::verify
