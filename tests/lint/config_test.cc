// lockstep.toml parsing, discovery and exclude globs.
#include "lint/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace lockstep::lint {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kKnown = {"require-concurrent-index", "adding-field-with-default",
                                         "unused-ignore"};

Result<Config> Parse(std::string_view text) {
  return ParseConfig(text, "dir/lockstep.toml", kKnown);
}

TEST(Config, FullExample) {
  auto c = Parse(R"(
[lint]
pg_version = 12
assume_in_transaction = true
deployer = "other"
exclude = ["prisma/migrations/2021*", "**/legacy.sql"]
fail_on = "warning"

[rules]
require-concurrent-index = "off"
adding-field-with-default = "hint"
unused-ignore = "error"
)");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->path, "dir/lockstep.toml");
  EXPECT_EQ(c->base_dir, "dir");
  EXPECT_EQ(c->options.settings.pg_version, 12);
  EXPECT_TRUE(c->options.settings.assume_in_transaction);
  EXPECT_FALSE(c->options.settings.deployed_by_lockstep);
  EXPECT_EQ(c->exclude.size(), 2u);
  EXPECT_EQ(c->fail_on, FailOn::kWarning);
  EXPECT_EQ(c->options.disabled_rules, (std::set<std::string>{"require-concurrent-index"}));
  EXPECT_EQ(c->options.severity_overrides.at("adding-field-with-default"), Severity::kHint);
  EXPECT_EQ(c->options.severity_overrides.at("unused-ignore"), Severity::kError);
}

TEST(Config, DefaultsWhenEmpty) {
  auto c = Parse("");
  ASSERT_TRUE(c.ok());
  const rules::Settings defaults;
  EXPECT_EQ(c->options.settings.pg_version, defaults.pg_version);
  EXPECT_TRUE(c->options.settings.deployed_by_lockstep);
  EXPECT_FALSE(c->options.settings.assume_in_transaction);
  EXPECT_FALSE(c->fail_on.has_value());
  EXPECT_TRUE(c->options.disabled_rules.empty());
}

TEST(Config, BadTomlNamesLineAndColumn) {
  auto c = Parse("[lint]\npg_version = = 3\n");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().where().rfind("dir/lockstep.toml:2:", 0), 0u) << c.status().ToString();
}

TEST(Config, UnknownRuleIsAnErrorAtItsKey) {
  auto c = Parse("[rules]\nrequire-concurrent-index = \"off\"\n  no-such-rule = \"off\"\n");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().where(), "dir/lockstep.toml:3:3");
  EXPECT_NE(c.status().message().find("unknown rule 'no-such-rule'"), std::string::npos);
}

TEST(Config, BadValues) {
  struct Case {
    const char* toml;
    const char* where;
    const char* says;
  } cases[] = {
      {"[lint]\npg_version = 9\n", "dir/lockstep.toml:2:14", "pg_version"},
      {"[lint]\npg_version = \"15\"\n", "dir/lockstep.toml:2:14", "pg_version"},
      {"[lint]\ndeployer = \"flyway\"\n", "dir/lockstep.toml:2:12", "deployer"},
      {"[lint]\nfail_on = \"fatal\"\n", "dir/lockstep.toml:2:11", "fail_on"},
      {"[lint]\nexclude = \"a\"\n", "dir/lockstep.toml:2:11", "exclude"},
      {"[lint]\nassume_in_transaction = 1\n", "dir/lockstep.toml:2:25", "assume_in_transaction"},
      {"[lint]\ncolour = true\n", "dir/lockstep.toml:2:10", "unknown key 'colour'"},
      {"[rules]\nrequire-concurrent-index = \"loud\"\n", "dir/lockstep.toml:2:28",
       "must be \"off\""},
      {"[linter]\n", "dir/lockstep.toml:1:1", "unknown section 'linter'"},
  };
  for (const Case& k : cases) {
    auto c = Parse(k.toml);
    ASSERT_FALSE(c.ok()) << k.toml;
    EXPECT_EQ(c.status().where(), k.where) << k.toml << " -> " << c.status().ToString();
    EXPECT_NE(c.status().message().find(k.says), std::string::npos) << c.status().ToString();
  }
}

TEST(Config, FailOn) {
  EXPECT_TRUE(Fails(FailOn::kError, Severity::kError));
  EXPECT_FALSE(Fails(FailOn::kError, Severity::kWarning));
  EXPECT_TRUE(Fails(FailOn::kWarning, Severity::kWarning));
  EXPECT_FALSE(Fails(FailOn::kWarning, Severity::kHint));
  EXPECT_TRUE(Fails(FailOn::kHint, Severity::kHint));
  EXPECT_FALSE(Fails(FailOn::kNone, Severity::kError));
  EXPECT_EQ(ParseFailOn("none"), FailOn::kNone);
  EXPECT_FALSE(ParseFailOn("errors").has_value());
}

TEST(Glob, Components) {
  EXPECT_TRUE(GlobMatch("*.sql", "a.sql"));
  EXPECT_FALSE(GlobMatch("*.sql", "dir/a.sql"));  // '*' stays within a component
  EXPECT_TRUE(GlobMatch("**/*.sql", "dir/sub/a.sql"));
  EXPECT_TRUE(GlobMatch("**/*.sql", "a.sql"));
  EXPECT_TRUE(GlobMatch("dir/**", "dir/sub/a.sql"));
  EXPECT_TRUE(
      GlobMatch("prisma/migrations/2021*", "prisma/migrations/20210101_init/migration.sql"));
  EXPECT_FALSE(GlobMatch("prisma/migrations/2021*", "prisma/migrations/20220101_x/migration.sql"));
  EXPECT_TRUE(GlobMatch("m?.sql", "m1.sql"));
  EXPECT_FALSE(GlobMatch("m?.sql", "m10.sql"));
  EXPECT_TRUE(GlobMatch("./a/*", "a/b"));
}

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("lockstep_config_test_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "app/prisma/migrations/001_init");
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
  fs::path root_;
};

TEST_F(TempDir, FindWalksUp) {
  const fs::path mig = root_ / "app/prisma/migrations/001_init";
  Write(mig / "migration.sql", "SELECT 1;");
  EXPECT_FALSE(FindConfig(mig.string()).has_value() &&
               FindConfig(mig.string())->find(root_.string()) == 0);
  Write(root_ / "app/lockstep.toml", "[lint]\npg_version = 13\n");
  auto found = FindConfig((mig / "migration.sql").string());
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(*found, (root_ / "app/lockstep.toml").string());
  Write(mig / "lockstep.toml", "");
  EXPECT_EQ(*FindConfig(mig.string()), (mig / "lockstep.toml").string());
}

TEST_F(TempDir, LoadAndExcludeRelativeToConfig) {
  Write(root_ / "app/lockstep.toml", "[lint]\nexclude = [\"prisma/migrations/001_*\"]\n");
  auto c = LoadConfig((root_ / "app/lockstep.toml").string());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(Excluded(*c, (root_ / "app/prisma/migrations/001_init/migration.sql").string()));
  EXPECT_FALSE(Excluded(*c, (root_ / "app/prisma/migrations/002_next/migration.sql").string()));
  EXPECT_FALSE(LoadConfig((root_ / "nope.toml").string()).ok());
}

TEST(Config, EstimateThresholds) {
  auto c = Parse("[estimates]\nhint_below_seconds = 0.5\nerror_above_seconds = 30\n");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->sizes.hint_below_seconds, 0.5);
  EXPECT_EQ(c->sizes.error_above_seconds, 30);
  auto d = Parse("");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->sizes.hint_below_seconds, 1.0);
  EXPECT_EQ(d->sizes.error_above_seconds, 10.0);
  auto unknown = Parse("[estimates]\nhint_below = 1\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().ToString().find("dir/lockstep.toml:2:"), std::string::npos)
      << unknown.status().ToString();
  EXPECT_FALSE(Parse("[estimates]\nhint_below_seconds = \"1s\"\n").ok());
  EXPECT_FALSE(Parse("[estimates]\nhint_below_seconds = -1\n").ok());
  EXPECT_FALSE(Parse("[estimates]\nhint_below_seconds = 20\nerror_above_seconds = 10\n").ok());
}

TEST(SizeScaling, SeverityFollowsTheBlockingEstimate) {
  auto diag = [](std::string rule, int begin) {
    Diagnostic d;
    d.rule = std::move(rule);
    d.severity = Severity::kWarning;
    d.path = "m.sql";
    d.begin = begin;
    return d;
  };
  std::vector<Diagnostic> ds = {diag("require-concurrent-index-creation", 0),
                                diag("require-concurrent-index-creation", 20),
                                diag("require-concurrent-index-creation", 40),
                                diag("ban-drop-column", 40), diag("avoid-table-rewrite", 60)};
  const std::vector<StatementBlocking> blocking = {
      {"m.sql", 0, 10, 0.01}, {"m.sql", 20, 30, 5}, {"m.sql", 40, 50, 100}, {"m.sql", 60, 70, 0}};
  Options o;
  o.severity_overrides["avoid-table-rewrite"] = Severity::kError;
  ScaleBySize(ds, blocking, SizeThresholds{}, o);
  EXPECT_EQ(ds[0].severity, Severity::kHint);
  EXPECT_EQ(ds[1].severity, Severity::kWarning);  // between the thresholds: the rule's own
  EXPECT_EQ(ds[2].severity, Severity::kError);
  EXPECT_EQ(ds[3].severity, Severity::kWarning);  // not about size
  EXPECT_EQ(ds[4].severity, Severity::kWarning);  // lockstep.toml chose it: left alone
}

}  // namespace
}  // namespace lockstep::lint
