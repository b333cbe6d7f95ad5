#include "sql/parser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace lockstep::sql {
namespace {

TEST(Parser, StatementSpansSkipCommentsAndSemicolons) {
  const std::string text =
      "-- first\nCREATE TABLE a (id int);\n\n/* c */ ALTER TABLE a ADD COLUMN b text; -- t\n";
  ParsedFile f = Parse(text);
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f.statements.size(), 2u);
  EXPECT_EQ(StatementText(text, f.statements[0]), "CREATE TABLE a (id int)");
  EXPECT_EQ(StatementText(text, f.statements[1]), "ALTER TABLE a ADD COLUMN b text");
  EXPECT_EQ(f.statements[1].kind, Kind::kAlterTable);
  ASSERT_EQ(f.statements[1].cmds.size(), 1u);
  EXPECT_EQ(f.statements[1].cmds[0].type, AlterType::kAddColumn);
  EXPECT_EQ(f.statements[1].cmds[0].column->type.base(), "text");
  EXPECT_EQ(f.comments.size(), 3u);
}

TEST(Parser, SyntaxErrorPointsAtTheTokenAndKeepsOtherStatements) {
  const std::string text =
      "CREATE TABLE a (id int);\nCREATE TABEL b (id int);\nCREATE TABLE c (id int);\n";
  ParsedFile f = Parse(text);
  ASSERT_EQ(f.errors.size(), 1u);
  EXPECT_NE(f.errors[0].message.find("syntax error at or near \"TABEL\""), std::string::npos);
  SourceFile src("m.sql", text);
  EXPECT_EQ(FormatErrors(src, f)[0], "m.sql:2:8: error: " + f.errors[0].message);
  ASSERT_EQ(f.statements.size(), 2u);
  EXPECT_EQ(f.statements[1].table.name, "c");
}

TEST(Parser, ErrorColumnCountsCharactersNotBytes) {
  const std::string text = "SELECT 'é', 'ü' FROM WHERE;";
  ParsedFile f = Parse(text);
  ASSERT_EQ(f.errors.size(), 1u);
  SourceFile src("m.sql", text);
  EXPECT_EQ(src.PositionOf(f.errors[0].offset).column, 22);
}

TEST(Parser, DollarQuotedBodiesAndDoBlocks) {
  const std::string text =
      "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN NEW.x := 1; RETURN NEW; END; $$ LANGUAGE "
      "plpgsql;\n"
      "DO $body$ BEGIN PERFORM 1; END $body$;\nBEGIN;\nCOMMIT;\n";
  ParsedFile f = Parse(text);
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f.statements.size(), 4u);
  EXPECT_EQ(f.statements[0].kind, Kind::kCreateFunction);
  EXPECT_EQ(f.statements[0].routine->language, "plpgsql");
  EXPECT_EQ(f.statements[1].kind, Kind::kDo);
  EXPECT_EQ(f.statements[2].transaction, TransactionKind::kBegin);
  EXPECT_EQ(f.statements[3].transaction, TransactionKind::kCommit);
}

TEST(Parser, EmptyAndCommentOnlyFiles) {
  EXPECT_TRUE(Parse("").statements.empty());
  ParsedFile f = Parse("-- nothing here\n/* at all */\n");
  EXPECT_TRUE(f.ok());
  EXPECT_TRUE(f.statements.empty());
  EXPECT_EQ(f.comments.size(), 2u);
}

TEST(Parser, PsqlMetaCommandsAndCopyDataAreSkippedWithNotes) {
  const std::string text =
      "\\set ON_ERROR_STOP 1\nCOPY t (a, b) FROM stdin;\n1\tx;y\n2\t'z\n\\.\nSELECT 1 "
      "\\gset\nSELECT 2;\n";
  ParsedFile f = Parse(text);
  EXPECT_TRUE(f.ok()) << (f.errors.empty() ? "" : f.errors[0].message);
  ASSERT_EQ(f.statements.size(), 3u);
  EXPECT_EQ(f.statements[0].kind, Kind::kCopy);
  EXPECT_TRUE(f.statements[0].copy_from_stdin);
  EXPECT_EQ(f.notes.size(), 3u);
}

TEST(Parser, ConstraintsAndDefaults) {
  const std::string text =
      "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_authorId_fkey\" FOREIGN KEY (\"authorId\") "
      "REFERENCES \"User\"(\"id\") ON DELETE CASCADE NOT VALID;\n"
      "ALTER TABLE t ADD COLUMN c uuid DEFAULT gen_random_uuid(), ADD CONSTRAINT k CHECK (a IS NOT "
      "NULL AND b > 0);\n"
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON s.t USING gin (data jsonb_path_ops);\n"
      "CREATE INDEX \"M_idx\" ON \"Member\"(\"totalPoints\" DESC);\n";
  ParsedFile f = Parse(text);
  ASSERT_TRUE(f.ok());
  const Constraint& fk = *f.statements[0].cmds[0].constraint;
  EXPECT_EQ(fk.type, Constraint::Type::kForeignKey);
  EXPECT_TRUE(fk.not_valid);
  EXPECT_EQ(fk.ref_table.name, "User");
  EXPECT_EQ(fk.columns, std::vector<std::string>{"authorId"});
  EXPECT_EQ(fk.fk_on_delete, "c");
  EXPECT_EQ(text.substr(fk.location, 10), "CONSTRAINT");
  const AlterCmd& add = f.statements[1].cmds[0];
  EXPECT_EQ(add.column->default_expr->functions, std::vector<std::string>{"gen_random_uuid"});
  const Constraint& check = *f.statements[1].cmds[1].constraint;
  EXPECT_EQ(check.expr->not_null_columns, std::vector<std::string>{"a"});
  const CreateIndex& gin = *f.statements[2].index;
  EXPECT_TRUE(gin.concurrently);
  EXPECT_EQ(gin.access_method, "gin");
  EXPECT_EQ(gin.table.schema, "s");
  EXPECT_EQ(gin.elems[0].opclass, std::vector<std::string>{"jsonb_path_ops"});
  EXPECT_TRUE(f.statements[3].index->elems[0].descending);
  EXPECT_EQ(text.substr(f.statements[3].index->concurrently_insert_at, 8), " \"M_idx\"");
}

TEST(Parser, TransactionRules) {
  ParsedFile f = Parse(
      "CREATE INDEX CONCURRENTLY i ON t (a); DROP INDEX CONCURRENTLY i; VACUUM t; ANALYZE t; "
      "REINDEX INDEX CONCURRENTLY i; ALTER TABLE p DETACH PARTITION c CONCURRENTLY; CREATE INDEX j "
      "ON t (a);");
  ASSERT_TRUE(f.ok());
  std::vector<bool> outside;
  for (const auto& s : f.statements) outside.push_back(MustRunOutsideTransaction(s));
  EXPECT_EQ(outside, (std::vector<bool>{true, true, true, false, true, true, false}));
}

TEST(Parser, TokensCarryKindOffsetsAndKeywordsInFileOrder) {
  const std::string text = "CREATE INDEX \"I\" ON t (a) WHERE b = 'x';\n/* c */ -- d\n";
  ParsedFile f = Parse(text);
  ASSERT_TRUE(f.ok());
  std::vector<std::string> kinds, texts;
  for (const Token& t : f.tokens) {
    kinds.emplace_back(t.kind);
    texts.emplace_back(text.substr(t.begin, t.end - t.begin));
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"CREATE", "INDEX", "IDENT", "ON", "IDENT", "ASCII_40",
                                             "IDENT", "ASCII_41", "WHERE", "IDENT", "ASCII_61",
                                             "SCONST", "ASCII_59", "C_COMMENT", "SQL_COMMENT"}));
  EXPECT_EQ(texts, (std::vector<std::string>{"CREATE", "INDEX", "\"I\"", "ON", "t", "(", "a", ")",
                                             "WHERE", "b", "=", "'x'", ";", "/* c */", "-- d"}));
  EXPECT_TRUE(f.tokens[0].is_keyword);
  EXPECT_FALSE(f.tokens[2].is_keyword);
  ASSERT_EQ(f.comments.size(), 2u);
  EXPECT_EQ(f.comments[1].text(text), "-- d");
  ASSERT_TRUE(f.statements[0].index);
  EXPECT_EQ(f.statements[0].index->concurrently_insert_at, 12);  // just after INDEX
}

TEST(Parser, StatementsAfterASyntaxErrorCarryFileOffsets) {
  // After an error each statement is parsed alone; every offset inside it must still be the
  // file's, not its own text's.
  const std::string text =
      "CREATE TABLE a (id int);\nSELEC 1;\n"
      "CREATE TABLE b (x text DEFAULT 'q');\n"
      "ALTER TABLE b ALTER COLUMN x SET DEFAULT 'r';\n";
  ParsedFile f = Parse(text);
  ASSERT_EQ(f.errors.size(), 1u);
  ASSERT_EQ(f.statements.size(), 3u);
  const ColumnDef& x = f.statements[1].columns.at(0);
  EXPECT_EQ(x.type.location, static_cast<int>(text.find("text DEFAULT")));
  ASSERT_TRUE(x.default_expr);
  EXPECT_EQ(x.default_expr->location, static_cast<int>(text.find("'q'")));
  const AlterCmd& set = f.statements[2].cmds.at(0);
  ASSERT_TRUE(set.default_expr);
  EXPECT_EQ(set.default_expr->location, static_cast<int>(text.find("'r'")));
}

// Over 1 MiB a file is parsed in pieces of whole statements: what comes out must be what the
// whole file's parse gives, offsets into the file included.
TEST(Parser, ALargeFileParsedInPiecesKeepsFileOffsetsAndTokens) {
  std::string text;
  std::vector<std::string> expected;
  int n = 0;
  for (; text.size() < 2'600'000; ++n) {
    const std::string i = std::to_string(n);
    expected.push_back("CREATE TABLE t" + i + " (id int, name text DEFAULT 'n" + i + "')");
    expected.push_back("ALTER TABLE t" + i + " ALTER COLUMN name SET DEFAULT 'm" + i + "'");
    expected.push_back("CREATE INDEX CONCURRENTLY i" + i + " ON t" + i + " (name)");
    text += "-- step " + i + "\n" + expected[expected.size() - 3] + ";\n" +
            expected[expected.size() - 2] + "; /* after */\n" + expected.back() + ";\n";
  }
  ParsedFile f = Parse(text);
  ASSERT_TRUE(f.ok()) << f.errors.front().message;
  ASSERT_EQ(f.statements.size(), expected.size());
  EXPECT_EQ(f.comments.size(), 2u * n);
  for (int k = 0; k < n; ++k) {
    const std::string i = std::to_string(k);
    const Statement& create = f.statements[3 * k];
    const Statement& alter = f.statements[3 * k + 1];
    const Statement& index = f.statements[3 * k + 2];
    for (int j = 0; j < 3; ++j) {
      const Statement& s = f.statements[3 * k + j];
      ASSERT_EQ(StatementText(text, s), expected[3 * k + j]);
      ASSERT_LT(s.first_token, s.last_token);
      ASSERT_EQ(f.tokens[s.first_token].begin, s.begin);
      ASSERT_EQ(f.tokens[s.last_token - 1].end, s.end);
    }
    const ColumnDef& name = create.columns.at(1);
    ASSERT_EQ(text.substr(name.type.location, 4), "text");
    ASSERT_TRUE(name.default_expr);
    ASSERT_EQ(text.substr(name.default_expr->location, 3 + i.size()), "'n" + i + "'");
    ASSERT_TRUE(alter.cmds.at(0).default_expr);
    ASSERT_EQ(text.substr(alter.cmds[0].default_expr->location, 3 + i.size()), "'m" + i + "'");
    ASSERT_TRUE(index.index);
    ASSERT_EQ(text.substr(index.index->concurrently_insert_at - 5, 5), "INDEX");
  }
}

// The scanner that cuts a large file into pieces cannot tell the ';' inside BEGIN ATOMIC … END
// from a statement's end: a piece cut there does not parse, and the whole file is parsed instead.
TEST(Parser, ALargeFileCutInsideAStatementIsParsedWhole) {
  std::string body;
  for (int k = 0; k < 20; ++k) body += " SELECT " + std::to_string(k) + ";";
  std::string text;
  int n = 0;
  for (; text.size() < 1'300'000; ++n)
    text += "CREATE FUNCTION f" + std::to_string(n) + "() RETURNS int LANGUAGE sql BEGIN ATOMIC" +
            body + " END;\n";
  ParsedFile f = Parse(text);
  ASSERT_TRUE(f.ok()) << f.errors.front().message;
  ASSERT_EQ(f.statements.size(), static_cast<size_t>(n));
  for (const Statement& s : f.statements) ASSERT_EQ(s.kind, Kind::kCreateFunction);
  EXPECT_EQ(StatementText(text, f.statements.back()),
            "CREATE FUNCTION f" + std::to_string(n - 1) +
                "() RETURNS int LANGUAGE sql BEGIN ATOMIC" + body + " END");
}

// What ParseEach hands over, batch by batch: the statements' kinds and texts, and how often the
// parse started again.
struct Taken {
  std::vector<std::pair<Kind, std::string>> statements;
  size_t batches = 0;
  size_t largest_batch = 0;
  int restarts = 0;
};

Taken TakeAll(const std::string& text, ParsedFile* result = nullptr) {
  Taken t;
  StatementSink sink;
  sink.take = [&](std::vector<Statement>& batch) {
    ++t.batches;
    t.largest_batch = std::max(t.largest_batch, batch.size());
    for (const Statement& s : batch)
      t.statements.emplace_back(s.kind, std::string(StatementText(text, s)));
  };
  sink.restart = [&] {
    ++t.restarts;
    t.statements.clear();
  };
  ParsedFile f = ParseEach(text, sink);
  EXPECT_TRUE(f.statements.empty());
  if (result) *result = std::move(f);
  return t;
}

std::vector<std::pair<Kind, std::string>> Whole(const std::string& text) {
  std::vector<std::pair<Kind, std::string>> out;
  ParseOptions options;
  options.psql_script = false;
  for (const Statement& s : ParseString(text, options).statements)
    out.emplace_back(s.kind, std::string(StatementText(text, s)));
  return out;
}

// A large file comes in batches of about 256 KiB each, the same statements in the same order as a
// whole parse gives; so a caller never holds every Statement of the file at once.
TEST(ParseEach, ALargeFileComesInBatchesOfTheWholeParsesStatements) {
  std::string text;
  for (int n = 0; text.size() < 3'200'000; ++n) {
    const std::string i = std::to_string(n);
    text += "ALTER TABLE \"T" + std::to_string(n % 50) + "\" ADD COLUMN c" + i + " int -- c\n;\n" +
            "CREATE INDEX CONCURRENTLY i" + i + " ON t (c" + i + ");\n";
  }
  const Taken t = TakeAll(text);
  EXPECT_EQ(t.restarts, 0);
  ASSERT_FALSE(t.statements.empty());
  EXPECT_EQ(t.statements[0].second, "ALTER TABLE \"T0\" ADD COLUMN c0 int");  // no comment
  EXPECT_GE(t.batches, 12u);  // 3.2 MB in pieces of at least 256 KiB: 12, and the rest
  EXPECT_LT(t.largest_batch, t.statements.size() / 10);
  EXPECT_EQ(t.statements, Whole(text));
}

TEST(ParseEach, ASmallFileIsOneBatch) {
  const std::string text = "CREATE TABLE a (id int);\nALTER TABLE a ADD COLUMN b int;";
  const Taken t = TakeAll(text);
  EXPECT_EQ(t.batches, 1u);
  EXPECT_EQ(t.restarts, 0);
  EXPECT_EQ(t.statements, Whole(text));
}

// A cut inside BEGIN ATOMIC … END does not parse: what was taken is void, and the whole file
// comes again, parsed in one.
TEST(ParseEach, ACutInsideAStatementStartsAgainWithTheWholeFile) {
  std::string body;
  for (int k = 0; k < 20; ++k) body += " SELECT " + std::to_string(k) + ";";
  std::string text;
  for (int n = 0; text.size() < 2'300'000; ++n)
    text += "CREATE FUNCTION f" + std::to_string(n) + "() RETURNS int LANGUAGE sql BEGIN ATOMIC" +
            body + " END;\n";
  ParsedFile f;
  const Taken t = TakeAll(text, &f);
  EXPECT_TRUE(f.ok());
  EXPECT_EQ(t.restarts, 1);
  EXPECT_EQ(t.statements, Whole(text));
}

// A syntax error late in a large file: the batches before it are void, and the error is where a
// whole parse puts it.
TEST(ParseEach, ASyntaxErrorInALargeFileIsReportedAsByAWholeParse) {
  std::string text;
  for (int n = 0; text.size() < 2'300'000; ++n)
    text += "ALTER TABLE t ADD COLUMN c" + std::to_string(n) + " int;\n";
  text += "ALTER TABEL t ADD COLUMN z int;\n";
  ParsedFile f;
  const Taken t = TakeAll(text, &f);
  EXPECT_EQ(t.restarts, 1);
  ASSERT_EQ(f.errors.size(), 1u);
  ParseOptions options;
  options.psql_script = false;
  const ParsedFile whole = ParseString(text, options);
  ASSERT_EQ(whole.errors.size(), 1u);
  EXPECT_EQ(f.errors[0].offset, whole.errors[0].offset);
  EXPECT_EQ(f.errors[0].message, whole.errors[0].message);
  EXPECT_EQ(t.statements, Whole(text));
}

}  // namespace
}  // namespace lockstep::sql
