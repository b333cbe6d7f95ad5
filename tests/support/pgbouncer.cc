#include "support/pgbouncer.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

namespace lockstep::testing {
namespace fs = std::filesystem;
namespace {

constexpr const char* kBinary = "/usr/sbin/pgbouncer";

// A port nobody listens on right now.
int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

bool Accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

Result<std::unique_ptr<PgBouncer>> PgBouncer::Start(const db::EmbeddedServer& server,
                                                    const std::string& pool_mode) {
  if (::access(kBinary, X_OK) != 0)
    return Status::Error(std::string(kBinary) +
                         " is missing: install Debian's pgbouncer (scripts/bootstrap does)");
  std::unique_ptr<PgBouncer> b(new PgBouncer());
  std::string tmpl = (fs::temp_directory_path() / "lockstep-pgbouncer-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) return Status::Error("mkdtemp failed");
  b->dir_ = tmpl;
  b->port_ = FreePort();
  // pgbouncer refuses to run as root: the postgres user, who can also reach the server's socket.
  uid_t uid = ::getuid();
  gid_t gid = ::getgid();
  if (uid == 0) {
    const passwd* pw = ::getpwnam("postgres");
    if (!pw) return Status::Error("running as root, but there is no postgres OS user");
    uid = pw->pw_uid;
    gid = pw->pw_gid;
    if (::chown(b->dir_.c_str(), uid, gid) != 0) return Status::Error("chown failed");
  }
  {
    std::ofstream users(b->dir_ / "users.txt");
    users << "\"postgres\" \"\"\n";
    std::ofstream ini(b->dir_ / "pgbouncer.ini");
    ini << "[databases]\n* = host=" << server.socket_dir().string() << " port=" << server.port()
        << " user=postgres\n\n[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = " << b->port_
        << "\nunix_socket_dir =\nauth_type = trust\nauth_file = "
        << (b->dir_ / "users.txt").string() << "\npool_mode = " << pool_mode
        << "\nlogfile = " << (b->dir_ / "pgbouncer.log").string() << "\n";
  }
  for (const char* f : {"users.txt", "pgbouncer.ini"})
    if (uid != ::getuid() && ::chown((b->dir_ / f).c_str(), uid, gid) != 0)
      return Status::Error("chown failed");
  const std::string ini = (b->dir_ / "pgbouncer.ini").string();
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return Status::Error("fork failed");
  if (pid == 0) {
    const int devnull = ::open("/dev/null", O_RDWR);
    ::dup2(devnull, 0);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    if (uid != ::getuid()) {
      if (::setgroups(1, &gid) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0) ::_exit(126);
    }
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // after setuid, which clears it
    if (::getppid() != parent) ::_exit(1);
    ::execl(kBinary, kBinary, ini.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  b->pid_ = pid;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!Accepts(b->port_)) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      b->pid_ = -1;
      return Status::Error("pgbouncer exited at start: " + b->LogTail());
    }
    if (std::chrono::steady_clock::now() > deadline)
      return Status::Error("pgbouncer did not listen within 10 s: " + b->LogTail());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return b;
}

PgBouncer::~PgBouncer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

std::string PgBouncer::url(const std::string& dbname) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + dbname;
}

std::string PgBouncer::LogTail() const {
  std::ifstream in(dir_ / "pgbouncer.log");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string all = ss.str();
  return all.size() > 2000 ? all.substr(all.size() - 2000) : all;
}

}  // namespace lockstep::testing
