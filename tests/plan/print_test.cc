// PrintText and PrintJson write a plan entry by entry (a long migration's plan is never held as
// one string or one JSON document): what they write must be RenderText's text and ToJson's
// document exactly.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "analysis/history.h"
#include "plan/plan.h"

namespace lockstep::plan {
namespace {

// What `print` writes to a stream, read back.
template <typename F>
std::string Written(F print) {
  char* buf = nullptr;
  size_t size = 0;
  std::FILE* f = open_memstream(&buf, &size);
  print(f);
  std::fclose(f);
  std::string out(buf, size);
  std::free(buf);
  return out;
}

// Two files: a live table, then statements on it and on a table made in the same migration.
std::vector<Entry> TwoMigrations() {
  std::vector<analysis::MigrationText> ms = {
      {"1_init", "m/1_init/migration.sql", "CREATE TABLE a (id int);\n"},
      {"2_more", "m/2_more/migration.sql",
       "ALTER TABLE a ADD COLUMN b int NOT NULL;\n"
       "CREATE TABLE c (id int);\n"
       "CREATE INDEX c_id ON c (id);\n"
       "COMMENT ON TABLE a IS 'says \"hi\"\nover two lines';\n"}};
  return FromHistory(analysis::Replay(std::move(ms), 0));
}

TEST(PlanPrint, TextIsRenderTextWrittenEntryByEntry) {
  const std::vector<Entry> es = TwoMigrations();
  ASSERT_EQ(es.size(), 5u);
  for (bool color : {false, true})
    EXPECT_EQ(Written([&](std::FILE* f) { PrintText(es, color, f); }), RenderText(es, color));
  EXPECT_EQ(Written([&](std::FILE* f) { PrintText({}, false, f); }), RenderText({}, false));
}

TEST(PlanPrint, JsonIsTheDocumentToJsonDumps) {
  const std::vector<Entry> es = TwoMigrations();
  EXPECT_EQ(Written([&](std::FILE* f) { PrintJson(es, f); }), ToJson(es).dump(2) + "\n");
  const std::vector<Entry> one(es.begin(), es.begin() + 1);
  EXPECT_EQ(Written([&](std::FILE* f) { PrintJson(one, f); }), ToJson(one).dump(2) + "\n");
  EXPECT_EQ(Written([&](std::FILE* f) { PrintJson({}, f); }), ToJson({}).dump(2) + "\n");
}

}  // namespace
}  // namespace lockstep::plan
