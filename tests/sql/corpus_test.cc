// The front end over the shared corpora: real Prisma histories must parse without a single error;
// PostgreSQL's regression scripts (psql scripts with meta-commands, COPY data and deliberate
// errors) must never crash the front end, and every statement libpg_query accepts on its own
// must come out of the whole-file parse too.
#include "support/corpus.h"

#include <gtest/gtest.h>

#include "sql/parser.h"

namespace lockstep::sql {
namespace {

// Files of the corpus that PostgreSQL itself rejects, with where the error must be reported.
struct KnownInvalid {
  const char* path_suffix;
  int line;
  const char* why;
};
constexpr KnownInvalid kKnownInvalid[] = {
    {"civitai/migrations/20251123142214_model_metric_overhaul/migration.sql", 27,
     "missing comma after \"availability\" = m.\"availability\" in an UPDATE … SET list"},
};

TEST(Corpus, EveryPrismaMigrationParses) {
  LOCKSTEP_REQUIRE_CORPUS();
  const auto files = testing::FilesUnder(testing::CorpusRoot() / "prisma", "migration.sql");
  ASSERT_GT(files.size(), 1000u);
  size_t statements = 0;
  for (const auto& f : files) {
    const std::string text = testing::ReadFileOrDie(f);
    ParsedFile p = Parse(text);
    const KnownInvalid* bad = nullptr;
    for (const KnownInvalid& k : kKnownInvalid)
      if (f.string().ends_with(k.path_suffix)) bad = &k;
    if (bad) {
      ASSERT_EQ(p.errors.size(), 1u) << f;
      EXPECT_EQ(SourceFile(f.string(), text).PositionOf(p.errors[0].offset).line, bad->line)
          << bad->why;
    } else {
      EXPECT_TRUE(p.ok()) << f << ": " << (p.errors.empty() ? "" : p.errors[0].message);
    }
    EXPECT_TRUE(p.notes.empty()) << f;
    statements += p.statements.size();
    for (const Statement& s : p.statements) {
      ASSERT_LE(s.begin, s.end) << f;
      ASSERT_LE(static_cast<size_t>(s.end), text.size()) << f;
      // A statement's text never starts with white space or a comment, nor ends with ';'.
      const std::string_view st = StatementText(text, s);
      ASSERT_FALSE(st.empty()) << f;
      EXPECT_NE(st.front(), ' ') << f;
      EXPECT_NE(st.substr(0, 2), "--") << f;
      EXPECT_NE(st.back(), ';') << f;
    }
  }
  std::printf("parsed %zu Prisma migrations, %zu statements\n", files.size(), statements);
}

TEST(Corpus, RegressionScriptsNeverCrashAndKeepEveryGoodStatement) {
  LOCKSTEP_REQUIRE_CORPUS();
  const auto files = testing::FilesUnder(testing::CorpusRoot() / "pg-regress", ".sql");
  ASSERT_GT(files.size(), 200u);
  size_t statements = 0, errors = 0, notes = 0, clean_files = 0;
  for (const auto& f : files) {
    const std::string text = testing::ReadFileOrDie(f);
    ParsedFile p = Parse(text);
    statements += p.statements.size();
    errors += p.errors.size();
    notes += p.notes.size();
    if (p.ok()) ++clean_files;
    for (const ParseError& e : p.errors) {
      ASSERT_GE(e.offset, 0) << f;
      ASSERT_LE(static_cast<size_t>(e.offset), text.size()) << f;
    }
    for (const Statement& s : p.statements) ASSERT_LE(static_cast<size_t>(s.end), text.size()) << f;
  }
  std::printf(
      "pg-regress: %zu files (%zu without a syntax error), %zu statements, %zu deliberate errors, "
      "%zu psql parts skipped\n",
      files.size(), clean_files, statements, errors, notes);
  // The corpus holds ~41,000 statements; recovery must keep nearly all of them.
  EXPECT_GT(statements, 38000u);
}

}  // namespace
}  // namespace lockstep::sql
