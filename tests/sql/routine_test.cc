// Bodies of DO blocks and functions (sql/routine.cc): what lockstep reads in them, where it says
// it could not read, and that positions point into the file (issue 12 item 8).
#include <gtest/gtest.h>

#include <algorithm>

#include "sql/parser.h"

namespace lockstep::sql {
namespace {

TEST(Routine, DoBlockStaticStatementsAreReadWithFilePositions) {
  const std::string text =
      "SELECT 1;\nDO $$\nBEGIN\n  IF true THEN\n    ALTER TABLE \"T\" ADD CONSTRAINT t_fk FOREIGN "
      "KEY (a) REFERENCES p (id);\n  END IF;\n  PERFORM pg_sleep(0);\nEND $$;\n";
  ParsedFile f = Parse(text);
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f.statements.size(), 2u);
  const Statement& d = f.statements[1];
  EXPECT_EQ(d.kind, Kind::kDo);
  EXPECT_TRUE(d.routine->body_unread.empty()) << d.routine->body_unread;
  const auto alter = std::find_if(d.routine->body.begin(), d.routine->body.end(),
                                  [](const Statement& s) { return s.kind == Kind::kAlterTable; });
  ASSERT_NE(alter, d.routine->body.end());
  EXPECT_EQ(alter->table.name, "T");
  EXPECT_EQ(StatementText(text, *alter).substr(0, 15), "ALTER TABLE \"T\"");
  const auto perform =
      std::find_if(d.routine->body.begin(), d.routine->body.end(), [](const Statement& s) {
        return s.kind == Kind::kSelect && !s.calls.empty() && s.calls[0].name == "pg_sleep";
      });
  EXPECT_NE(perform, d.routine->body.end());
  EXPECT_TRUE(d.routine->dynamic_sql.empty());
}

TEST(Routine, DynamicExecuteIsUnknownAndKeepsTheNamesItSpells) {
  const std::string text =
      "DO $$ DECLARE t text := 'User'; BEGIN EXECUTE format('ALTER TABLE %I ADD x int', t); "
      "EXECUTE 'DROP INDEX \"Post_a_idx\"'; END $$;";
  ParsedFile f = Parse(text);
  ASSERT_TRUE(f.ok());
  const Statement& d = f.statements[0];
  ASSERT_EQ(d.routine->dynamic_sql.size(), 1u);
  const std::vector<std::string>& names = d.routine->dynamic_sql[0].names;
  EXPECT_NE(std::find(names.begin(), names.end(), "table"), names.end());
  // The constant EXECUTE is static SQL.
  const auto drop = std::find_if(d.routine->body.begin(), d.routine->body.end(),
                                 [](const Statement& s) { return s.kind == Kind::kDrop; });
  ASSERT_NE(drop, d.routine->body.end());
  EXPECT_EQ(drop->objects[0].name, "Post_a_idx");
  // The default of t is an expression holding 'User': read too, as a SELECT.
  EXPECT_TRUE(d.routine->body_unread.empty()) << d.routine->body_unread;
}

TEST(Routine, FunctionBodiesAndCalls) {
  const std::string text =
      "CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$ UPDATE t SET a = 1; DELETE FROM u $$;\n"
      "CREATE PROCEDURE p() LANGUAGE plpgsql AS $$ BEGIN TRUNCATE t; END $$;\n"
      "CREATE FUNCTION g() RETURNS int LANGUAGE plpython3u AS $$ return 1 $$;\n"
      "CALL p();\nSELECT f(), g();\n";
  ParsedFile f = Parse(text);
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f.statements.size(), 5u);
  ASSERT_EQ(f.statements[0].routine->body.size(), 2u);
  EXPECT_EQ(f.statements[0].routine->body[1].kind, Kind::kDelete);
  ASSERT_EQ(f.statements[1].routine->body.size(), 1u);
  EXPECT_EQ(f.statements[1].routine->body[0].kind, Kind::kTruncate);
  EXPECT_NE(f.statements[2].routine->body_unread.find("plpython3u"), std::string::npos);
  EXPECT_EQ(f.statements[3].kind, Kind::kCall);
  ASSERT_EQ(f.statements[3].calls.size(), 1u);
  EXPECT_EQ(f.statements[3].calls[0].name, "p");
  EXPECT_EQ(f.statements[4].calls.size(), 2u);
}

TEST(Routine, BodySyntaxErrorIsSaidNotDropped) {
  ParsedFile f = Parse("DO $$ BEGIN ALTER TABLE; END $$;");
  ASSERT_TRUE(f.ok());  // the DO statement itself parses: PostgreSQL reads the body when it runs
  EXPECT_FALSE(f.statements[0].routine->body_unread.empty());
}

TEST(Routine, UpdateFromListsTheTablesItReads) {
  ParsedFile f = Parse("UPDATE t SET a = s.a FROM s WHERE s.id = t.id;");
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f.statements[0].reads.size(), 1u);
  EXPECT_EQ(f.statements[0].reads[0].name, "s");
}

}  // namespace
}  // namespace lockstep::sql
