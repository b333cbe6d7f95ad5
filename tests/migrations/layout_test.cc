#include "migrations/layout.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "migrations/checksum.h"
#include "source_dir.h"  // LOCKSTEP_SOURCE_DIR

namespace lockstep::migrations {
namespace {

namespace fs = std::filesystem;

fs::path Fixtures() {
  const char* env = std::getenv("LOCKSTEP_SOURCE_DIR");
  return fs::path(env ? env : LOCKSTEP_SOURCE_DIR) / "tests" / "migrations" / "fixtures";
}

std::string Fixture(const std::string& rel) { return (Fixtures() / rel).string(); }

// A scratch directory for layouts that cannot live in git (CRLF bytes, symlinks, empty folders,
// node_modules), removed at the end of the test.
class Scratch {
 public:
  Scratch() {
    std::string tmpl = (fs::temp_directory_path() / "lockstep-layout-XXXXXX").string();
    root_ = ::mkdtemp(tmpl.data());
  }
  ~Scratch() {
    std::error_code ec;
    fs::permissions(root_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(root_, ec);
  }
  const fs::path& root() const { return root_; }
  std::string Path(const std::string& rel) const { return (root_ / rel).string(); }
  void Write(const std::string& rel, std::string_view bytes) const {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel, std::ios::binary) << bytes;
  }
  void Mkdir(const std::string& rel) const { fs::create_directories(root_ / rel); }

 private:
  fs::path root_;
};

std::vector<std::string> Names(const MigrationSet& set) {
  std::vector<std::string> out;
  for (const Migration& m : set.migrations) out.push_back(m.name);
  return out;
}

bool HasNote(const MigrationSet& set, NoteLevel level, std::string_view where_suffix,
             std::string_view text) {
  for (const Note& n : set.notes) {
    if (n.level == level && n.where.ends_with(where_suffix) &&
        n.message.find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

constexpr const char* kLock = "provider = \"postgresql\"\n";

TEST(Layout, ProjectRootFindsPrismaMigrations) {
  auto set = Discover(Fixture("project"));
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  // 0_init sorts first; the draft folder has no migration.sql and is left out.
  EXPECT_EQ(Names(*set), (std::vector<std::string>{"0_init", "20260101000000_add_posts",
                                                   "20260101000001_empty"}));
  ASSERT_EQ(set->sources.size(), 1u);
  const Source& src = set->sources[0];
  EXPECT_EQ(src.kind, LayoutKind::kPrismaDirectory);
  EXPECT_EQ(src.directory, fs::path(Fixture("project/prisma/migrations")));
  EXPECT_EQ(src.provider, "postgresql");
  EXPECT_EQ(src.existing_names,
            (std::vector<std::string>{"0_init", "20260101000000_add_posts", "20260101000001_empty",
                                      "20260102000000_draft", "migration_lock.toml"}));
  EXPECT_TRUE(HasNote(*set, NoteLevel::kNote, "20260102000000_draft", "no migration.sql"));

  const Migration& init = set->migrations[0];
  EXPECT_EQ(init.kind, MigrationKind::kPrismaFolder);
  EXPECT_EQ(init.folder, fs::path(Fixture("project/prisma/migrations/0_init")));
  EXPECT_EQ(init.sql_path, fs::path(Fixture("project/prisma/migrations/0_init/migration.sql")));
  std::ifstream in(init.sql_path, std::ios::binary);
  EXPECT_EQ(init.sql, std::string(std::istreambuf_iterator<char>(in), {}));
  EXPECT_EQ(set->migrations[2].sql, "");  // an empty migration.sql is a migration
}

// Prisma 7: the project's prisma.config.ts says where the migrations are, before the usual
// places (a prisma/migrations/ that is not the configured one is ignored).
TEST(Layout, ProjectRootUsesPrismaConfigMigrationsPath) {
  Scratch s;
  s.Write("prisma.config.ts",
          "import { defineConfig, env } from 'prisma/config'\n"
          "export default defineConfig({\n  migrations: { path: 'db/migrations' },\n"
          "  datasource: { url: env('DATABASE_URL') },\n})\n");
  s.Write("db/migrations/0_init/migration.sql", "CREATE TABLE a (id int);\n");
  s.Write("db/migrations/1_more/migration.sql", "CREATE TABLE b (id int);\n");
  s.Write("prisma/migrations/9_other/migration.sql", "CREATE TABLE c (id int);\n");
  Result<MigrationSet> set = Discover(s.root().string());
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(Names(*set), (std::vector<std::string>{"0_init", "1_more"}));
  EXPECT_TRUE(HasNote(*set, NoteLevel::kNote, "db/migrations", "prisma.config.ts"));

  // Without migrations.path, the migrations/ next to the configured schema.
  s.Write("prisma.config.ts", "export default { schema: 'db/schema.prisma' }\n");
  set = Discover(s.root().string());
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(Names(*set), (std::vector<std::string>{"0_init", "1_more"}));

  // A computed path: one line naming where, and what to pass instead.
  s.Write("prisma.config.ts",
          "export default defineConfig({\n  migrations: { path: dir + '/m' },\n})\n");
  set = Discover(s.root().string());
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().where(), (s.root() / "prisma.config.ts").string() + ":2:23");
  EXPECT_NE(set.status().message().find("migrations.path is computed (dir + '/m')"),
            std::string::npos)
      << set.status().message();
  EXPECT_NE(set.status().message().find("pass the migrations directory as PATH"),
            std::string::npos);
}

TEST(Layout, TheShippedExampleProject) {
  const char* env = std::getenv("LOCKSTEP_SOURCE_DIR");
  const fs::path root = fs::path(env ? env : LOCKSTEP_SOURCE_DIR) / "examples" / "community";
  auto set = Discover(root.string());
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(Names(*set), (std::vector<std::string>{"0_init", "20260123015816_add_v2_tables"}));
  EXPECT_EQ(set->sources[0].provider, "postgresql");
  for (const Note& n : set->notes) ADD_FAILURE() << n.ToString();
}

TEST(Layout, EveryEntryPointOfOneProjectGivesTheSameMigrations) {
  const auto expected = Names(*Discover(Fixture("project")));
  for (const char* rel : {"project/prisma", "project/prisma/schema.prisma",
                          "project/prisma/migrations", "project/prisma/migrations/"}) {
    auto set = Discover(Fixture(rel));
    ASSERT_TRUE(set.ok()) << rel << ": " << set.status().ToString();
    EXPECT_EQ(Names(*set), expected) << rel;
    EXPECT_EQ(set->sources[0].kind, LayoutKind::kPrismaDirectory) << rel;
  }
}

TEST(Layout, SchemaAdjacentMigrationsWithoutPrismaFolder) {
  auto set = Discover(Fixture("schema_adjacent/db"));
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(Names(*set), std::vector<std::string>{"20250101000000_init"});
  EXPECT_EQ(set->sources[0].provider, std::nullopt);  // no migration_lock.toml
}

TEST(Layout, NestedProjectRootIsFoundBelowTheGivenDirectory) {
  auto set = Discover(Fixture("monorepo"));
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(Names(*set), (std::vector<std::string>{"20250101000000_init", "20250102000000_add_c"}));
  EXPECT_EQ(set->sources[0].directory,
            fs::path(Fixture("monorepo/packages/db/prisma/schema/migrations")));
  EXPECT_TRUE(HasNote(*set, NoteLevel::kNote, "schema/migrations", "found below"));
}

TEST(Layout, NestedSearchSkipsNodeModulesAndReportsAmbiguity) {
  Scratch s;
  s.Write("app/node_modules/pkg/prisma/migrations/1_x/migration.sql", "SELECT 1;");
  s.Write("app/.git/prisma/migrations/1_x/migration.sql", "SELECT 1;");
  s.Write("app/packages/a/prisma/migrations/1_a/migration.sql", "SELECT 1;");
  auto one = Discover(s.Path("app"));
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(Names(*one), std::vector<std::string>{"1_a"});

  s.Write("app/packages/b/prisma/migrations/migration_lock.toml", kLock);
  auto two = Discover(s.Path("app"));
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.status().where(), s.Path("app"));
  EXPECT_NE(two.status().message().find("several Prisma migrations directories"),
            std::string::npos);
  EXPECT_NE(two.status().message().find("packages/a/prisma/migrations"), std::string::npos);
  EXPECT_NE(two.status().message().find("packages/b/prisma/migrations"), std::string::npos);
}

TEST(Layout, NonTimestampPrefixesSortLexically) {
  auto umami = Discover(Fixture("umami_style/migrations"));
  ASSERT_TRUE(umami.ok());
  EXPECT_EQ(Names(*umami), (std::vector<std::string>{"01_init", "02_report_schema",
                                                     "03_metric_index", "10_add_index"}));
  auto papermark = Discover(Fixture("papermark_style/migrations"));
  ASSERT_TRUE(papermark.ok());
  EXPECT_EQ(Names(*papermark),
            (std::vector<std::string>{
                "20230912150657_initialize", "202310122339_NewColumnInLinkTable",
                "20231013165123_create_document_version",
                "202310311254_NewColumnEnableNotificationLinkTable", "20241212000000_add_yir",
                "20241231_add_dataroom_allow_bulk_download", "20250106000000_add_download_type"}));
  // Both orders agree on these (as on the whole corpus): no warning.
  for (const Note& n : papermark->notes) EXPECT_NE(n.level, NoteLevel::kWarning) << n.ToString();
}

TEST(Layout, WarnsWhereThePrismaCliWouldOrderDifferently) {
  auto set = Discover(Fixture("cli_order/migrations"));
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(Names(*set),
            (std::vector<std::string>{"20241231000000_add_a", "20241231_add_b",
                                      "20250101000000_Add_d", "20250101000000_add_c"}));
  EXPECT_TRUE(HasNote(*set, NoteLevel::kWarning, "cli_order/migrations",
                      "'20241231000000_add_a' runs before '20241231_add_b'"));
  EXPECT_TRUE(HasNote(*set, NoteLevel::kWarning, "cli_order/migrations",
                      "'20250101000000_Add_d' runs before '20250101000000_add_c'"));
}

TEST(Layout, SingleMigrationFolderOrFile) {
  for (const char* rel : {"project/prisma/migrations/20260101000000_add_posts",
                          "project/prisma/migrations/20260101000000_add_posts/migration.sql"}) {
    auto set = Discover(Fixture(rel));
    ASSERT_TRUE(set.ok()) << set.status().ToString();
    ASSERT_EQ(Names(*set), std::vector<std::string>{"20260101000000_add_posts"}) << rel;
    const Source& src = set->sources[0];
    EXPECT_EQ(src.kind, LayoutKind::kPrismaFolder);
    EXPECT_EQ(src.directory, fs::path(Fixture("project/prisma/migrations")));
    EXPECT_EQ(src.provider, "postgresql");
    EXPECT_EQ(src.existing_names.size(), 5u);  // its siblings, for naming new folders
  }
}

TEST(Layout, SingleFolderGivenAsDotIsNamedAfterTheFolder) {
  Scratch s;
  s.Write("migrations/20250101000000_init/migration.sql", "SELECT 1;");
  const fs::path cwd = fs::current_path();
  fs::current_path(s.root() / "migrations" / "20250101000000_init");
  auto set = Discover(".");
  fs::current_path(cwd);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(Names(*set), std::vector<std::string>{"20250101000000_init"});
  EXPECT_EQ(set->sources[0].directory, fs::path(".."));
}

TEST(Layout, PlainSqlDirectoryOrderedByName) {
  auto set = Discover(Fixture("plain"));
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  // README.md and archive/ are not migrations.
  EXPECT_EQ(Names(*set), (std::vector<std::string>{"001_init", "002_users", "010_index"}));
  EXPECT_EQ(set->sources[0].kind, LayoutKind::kPlainDirectory);
  EXPECT_EQ(set->sources[0].existing_names,
            (std::vector<std::string>{"001_init", "002_users", "010_index"}));
  for (const Migration& m : set->migrations) {
    EXPECT_EQ(m.kind, MigrationKind::kPlainFile);
    EXPECT_EQ(m.folder, fs::path(Fixture("plain")));
    EXPECT_EQ(m.sql_path, fs::path(Fixture("plain")) / (m.name + ".sql"));
  }
}

TEST(Layout, PlainFilesOrderByStemNotByFileName) {
  Scratch s;
  s.Write("sql/a.sql", "SELECT 1;");
  s.Write("sql/a-b.sql", "SELECT 2;");  // "a-b.sql" < "a.sql" as file names; "a" < "a-b" as stems
  auto set = Discover(s.Path("sql"));
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(Names(*set), (std::vector<std::string>{"a", "a-b"}));
}

TEST(Layout, SinglePlainFile) {
  auto set = Discover(Fixture("plain/002_users.sql"));
  ASSERT_TRUE(set.ok());
  ASSERT_EQ(Names(*set), std::vector<std::string>{"002_users"});
  EXPECT_EQ(set->sources[0].kind, LayoutKind::kPlainFile);
  EXPECT_EQ(set->migrations[0].sql, "CREATE TABLE users (id int);\n");
  EXPECT_EQ(set->sources[0].existing_names.size(), 3u);
}

TEST(Layout, SeveralPathsKeepArgumentOrderAndDropDuplicates) {
  auto set = Discover(std::vector<std::string>{Fixture("plain/010_index.sql"),
                                               Fixture("umami_style"), Fixture("plain")});
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(Names(*set),
            (std::vector<std::string>{"010_index", "01_init", "02_report_schema", "03_metric_index",
                                      "10_add_index", "001_init", "002_users"}));
  ASSERT_EQ(set->sources.size(), 3u);
  EXPECT_EQ(set->migrations[0].source, 0u);
  EXPECT_EQ(set->migrations[1].source, 1u);
  EXPECT_EQ(set->migrations[6].source, 2u);
  EXPECT_TRUE(HasNote(*set, NoteLevel::kNote, "010_index.sql", "kept once"));
}

TEST(Layout, CrlfBytesAreKeptAsTheyAre) {
  Scratch s;
  const std::string crlf = "CREATE TABLE t (id int);\r\nCREATE INDEX i ON t (id);\r\n";
  s.Write("migrations/20250101000000_crlf/migration.sql", crlf);
  auto set = Discover(s.Path("migrations"));
  ASSERT_TRUE(set.ok());
  ASSERT_EQ(set->migrations.size(), 1u);
  EXPECT_EQ(set->migrations[0].sql, crlf);
  EXPECT_EQ(PrismaChecksum(set->migrations[0].sql), Sha256Hex(crlf));
}

TEST(Layout, IgnoredEntriesOfAMigrationsDirectory) {
  Scratch s;
  s.Write("m/migration_lock.toml", kLock);
  s.Write("m/20250101000000_init/migration.sql", "SELECT 1;");
  s.Mkdir("m/20250102000000_empty_folder");
  s.Write("m/loose.sql", "SELECT 2;");
  fs::create_directory_symlink(s.root() / "m" / "20250101000000_init",
                               s.root() / "m" / "20250103000000_link");
  auto set = Discover(s.Path("m"));
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(Names(*set), std::vector<std::string>{"20250101000000_init"});
  EXPECT_TRUE(HasNote(*set, NoteLevel::kNote, "20250102000000_empty_folder", "no migration.sql"));
  EXPECT_TRUE(HasNote(*set, NoteLevel::kNote, "loose.sql", "outside migration folders"));
  EXPECT_TRUE(HasNote(*set, NoteLevel::kWarning, "20250103000000_link", "symbolic link"));
}

// Prisma reads migration.sql as UTF-8 text (Node's decoder: U+FFFD for each ill-formed
// sequence) and runs and hashes that text; lockstep reads the same text, so the statement it runs
// is one the server accepts and can record, and the checksum is the one Prisma records.
TEST(Layout, InvalidUtf8IsReadAsPrismaReadsIt) {
  Scratch s;
  s.Write("m/1_x/migration.sql", "SELECT 1;\nSELECT 'caf\xE9';");
  auto set = Discover(s.Path("m"));
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->migrations[0].sql, "SELECT 1;\nSELECT 'caf\xEF\xBF\xBD';");
  EXPECT_EQ(PrismaChecksum(set->migrations[0].sql), PrismaChecksum("SELECT 1;\nSELECT 'caf\xE9';"));
  EXPECT_TRUE(HasNote(*set, NoteLevel::kWarning, "1_x/migration.sql:2:12", "not valid UTF-8"));
}

TEST(Layout, NulByteIsAnErrorAtItsPosition) {
  Scratch s;
  s.Write("m/1_x/migration.sql",
          std::string("CREATE TABLE n1 (id int);\0\nCREATE TABLE n2 (id int);\n", 53));
  auto set = Discover(s.Path("m"));
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().where(), s.Path("m/1_x/migration.sql") + ":1:26");
  EXPECT_NE(set.status().message().find("NUL byte"), std::string::npos) << set.status().message();

  s.Write("p/0.sql", std::string("\0SELECT 1;", 10));
  auto first = Discover(s.Path("p"));
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.status().where(), s.Path("p/0.sql") + ":1:1");
}

TEST(Layout, Utf16FilesAreRefusedByName) {
  Scratch s;
  s.Write("le/1_x/migration.sql", std::string("\xFF\xFES\0E\0", 6));
  auto le = Discover(s.Path("le"));
  ASSERT_FALSE(le.ok());
  EXPECT_EQ(le.status().where(), s.Path("le/1_x/migration.sql"));
  EXPECT_NE(le.status().message().find("UTF-16 (little-endian"), std::string::npos)
      << le.status().message();
  s.Write("be/1_x/migration.sql", std::string("\xFE\xFF\0S\0E", 6));
  auto be = Discover(s.Path("be"));
  ASSERT_FALSE(be.ok());
  EXPECT_NE(be.status().message().find("UTF-16 (big-endian"), std::string::npos)
      << be.status().message();
}

// Prisma refuses a history whose lock file names another provider (P3019); so does lockstep,
// whatever the command: the SQL is another database's dialect.
TEST(Layout, LockFileOfAnotherProviderIsRefused) {
  auto mysql = Discover(Fixture("mysql_lock"));
  ASSERT_FALSE(mysql.ok());
  EXPECT_EQ(mysql.status().where(), Fixture("mysql_lock/migrations/migration_lock.toml"));
  EXPECT_NE(mysql.status().message().find("provider \"mysql\""), std::string::npos)
      << mysql.status().message();
  EXPECT_NE(mysql.status().message().find("P3019"), std::string::npos);

  Scratch s;
  for (const char* provider : {"postgresql", "postgres"}) {
    s.Write("ok/1_x/migration.sql", "SELECT 1;");
    s.Write("ok/migration_lock.toml", std::string("provider = \"") + provider + "\"\n");
    auto ok = Discover(s.Path("ok"));
    EXPECT_TRUE(ok.ok()) << provider << ": " << ok.status().ToString();
  }
  s.Write("one/1_x/migration.sql", "SELECT 1;");
  s.Write("one/migration_lock.toml", "provider = \"sqlite\"\n");
  auto one = Discover(s.Path("one/1_x"));
  ASSERT_FALSE(one.ok());
  EXPECT_NE(one.status().message().find("provider \"sqlite\""), std::string::npos);
}

// Prisma lists a migrations directory without following symbolic links; when every migration
// folder is one, it finds nothing to apply and succeeds. lockstep does the same, and says why.
TEST(Layout, EveryFolderASymbolicLinkIsNothingToApply) {
  Scratch s;
  s.Write("real/20250101000000_init/migration.sql", "SELECT 1;");
  s.Mkdir("m");
  fs::create_directory_symlink(s.root() / "real" / "20250101000000_init",
                               s.root() / "m" / "20250101000000_init");
  for (const bool with_lock : {false, true}) {
    if (with_lock) s.Write("m/migration_lock.toml", kLock);
    auto set = Discover(s.Path("m"));
    ASSERT_TRUE(set.ok()) << set.status().ToString();
    EXPECT_TRUE(set->migrations.empty());
    ASSERT_EQ(set->sources.size(), 1u);
    EXPECT_EQ(set->sources[0].kind, LayoutKind::kPrismaDirectory);
    EXPECT_TRUE(
        HasNote(*set, NoteLevel::kWarning, "m", "every migration folder here is a symbolic link"));
  }
}

// A folder name is untrusted text: its control characters must not reach the terminal.
TEST(Layout, ControlCharactersInNamesAreEscapedInMessages) {
  Scratch s;
  s.Write("m/20250101000000_init/migration.sql", "SELECT 1;");
  s.Mkdir("m/20250102000000_x\x1b[2J\nforged: error");
  auto set = Discover(s.Path("m"));
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  bool seen = false;
  for (const Note& n : set->notes) {
    const std::string text = n.ToString();
    EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
    EXPECT_EQ(text.find('\n'), std::string::npos) << text;
    seen = seen || text.find("20250102000000_x\\x1b[2J\\nforged: error") != std::string::npos;
  }
  EXPECT_TRUE(seen);
}

TEST(Layout, LockFileProvider) {
  Scratch s;
  s.Write("a/1_x/migration.sql", "SELECT 1;");
  s.Write("a/migration_lock.toml", "# no newline at the end\nprovider = \"postgresql\"");
  auto a = Discover(s.Path("a"));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->sources[0].provider, "postgresql");
  EXPECT_TRUE(a->notes.empty()) << a->notes[0].ToString();

  // Valid TOML that Prisma's line matcher reads differently.
  s.Write("b/1_x/migration.sql", "SELECT 1;");
  s.Write("b/migration_lock.toml", "provider=\"postgresql\"\n");
  auto b = Discover(s.Path("b"));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->sources[0].provider, "postgresql");
  EXPECT_TRUE(HasNote(*b, NoteLevel::kWarning, "migration_lock.toml",
                      "Prisma reads the provider here as 'provider=\"postgresql'"));

  // Not TOML at all: read as Prisma does.
  s.Write("c/1_x/migration.sql", "SELECT 1;");
  s.Write("c/migration_lock.toml", "provider = \"postgresql\"\n[[[\n");
  auto c = Discover(s.Path("c"));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->sources[0].provider, "postgresql");
  EXPECT_TRUE(HasNote(*c, NoteLevel::kWarning, "migration_lock.toml", "not valid TOML"));

  s.Write("d/1_x/migration.sql", "SELECT 1;");
  s.Write("d/migration_lock.toml", "# only a comment\n");
  auto d = Discover(s.Path("d"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->sources[0].provider, "");
  EXPECT_TRUE(HasNote(*d, NoteLevel::kWarning, "migration_lock.toml", "no provider"));
}

TEST(Layout, ErrorsNameThePath) {
  Scratch s;
  auto missing = Discover(s.Path("nope"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().ToString(), s.Path("nope") + ": error: no such file or directory");

  s.Mkdir("empty");
  auto empty = Discover(s.Path("empty"));
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().where(), s.Path("empty"));
  EXPECT_NE(empty.status().message().find("no migrations found"), std::string::npos);

  s.Write("only_lock/migration_lock.toml", kLock);
  s.Mkdir("only_lock/20250101000000_draft");
  auto only_lock = Discover(s.Path("only_lock"));
  ASSERT_FALSE(only_lock.ok());
  EXPECT_EQ(only_lock.status().where(), s.Path("only_lock"));
  EXPECT_NE(only_lock.status().message().find("no migrations"), std::string::npos);

  s.Write("notes.txt", "hi");
  auto txt = Discover(s.Path("notes.txt"));
  ASSERT_FALSE(txt.ok());
  EXPECT_EQ(txt.status().where(), s.Path("notes.txt"));

  s.Write("lonely/schema.prisma", "");
  auto schema = Discover(s.Path("lonely/schema.prisma"));
  ASSERT_FALSE(schema.ok());
  EXPECT_NE(schema.status().message().find("no migrations/ directory"), std::string::npos);

  EXPECT_FALSE(Discover(std::vector<std::string>{}).ok());
  // A bad PATH among good ones fails the whole discovery.
  EXPECT_FALSE(Discover(std::vector<std::string>{Fixture("plain"), s.Path("nope")}).ok());
}

TEST(Layout, UnreadableMigrationFileIsAnError) {
  Scratch s;
  s.Write("m/20250101000000_ok/migration.sql", "SELECT 1;");
  s.Mkdir("m/20250102000000_dangling");
  fs::create_symlink(s.root() / "nowhere.sql",
                     s.root() / "m/20250102000000_dangling/migration.sql");
  auto dangling = Discover(s.Path("m"));
  ASSERT_FALSE(dangling.ok());
  EXPECT_EQ(dangling.status().ToString(), s.Path("m/20250102000000_dangling/migration.sql") +
                                              ": error: cannot read: dangling symbolic link");

  Scratch t;
  t.Mkdir("m/20250101000000_dir/migration.sql");  // a directory where the file should be
  auto dir = Discover(t.Path("m"));
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.status().ToString(), t.Path("m/20250101000000_dir/migration.sql") +
                                         ": error: cannot read: not a regular file");

  if (::geteuid() != 0) {  // root reads files whatever their mode says
    Scratch u;
    u.Write("m/20250101000000_secret/migration.sql", "SELECT 1;");
    fs::permissions(u.root() / "m/20250101000000_secret/migration.sql", fs::perms::none);
    auto denied = Discover(u.Path("m"));
    ASSERT_FALSE(denied.ok());
    EXPECT_NE(denied.status().message().find("Permission denied"), std::string::npos);
  }
}

TEST(Layout, NoteFormatting) {
  EXPECT_EQ((Note{NoteLevel::kWarning, "m/x", "careful"}).ToString(), "m/x: warning: careful");
  EXPECT_EQ((Note{NoteLevel::kNote, "m/x", "fyi"}).ToString(), "m/x: note: fyi");
}

}  // namespace
}  // namespace lockstep::migrations
