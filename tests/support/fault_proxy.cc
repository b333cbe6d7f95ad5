#include "support/fault_proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <utility>
#include <vector>

namespace lockstep::testing {
namespace {

// One forwarded connection: bytes read from one side wait in a buffer until the other side
// takes them, so a slow reader never loses data.
struct Pair {
  int client = -1;
  int server = -1;
  std::string to_server;
  std::string to_client;
};

void CloseFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

int ConnectUpstream(const std::string& host, int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1 ||
      connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Moves what `from` has into `buffer`; false when `from` closed or failed.
bool ReadInto(int from, std::string& buffer) {
  char chunk[16384];
  const ssize_t n = read(from, chunk, sizeof chunk);
  if (n <= 0) return false;
  buffer.append(chunk, static_cast<size_t>(n));
  return true;
}

// Writes what `to` accepts of `buffer`; false when `to` failed.
bool WriteFrom(int to, std::string& buffer) {
  const ssize_t n = write(to, buffer.data(), buffer.size());
  if (n < 0) return false;
  buffer.erase(0, static_cast<size_t>(n));
  return true;
}

}  // namespace

FaultProxy::FaultProxy(std::string upstream_host, int upstream_port)
    : upstream_host_(std::move(upstream_host)), upstream_port_(upstream_port) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;  // a free port chosen by the kernel: tests in parallel never collide
  socklen_t len = sizeof addr;
  if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listen_fd_, 64) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 || pipe(wake_) != 0) {
    CloseFd(listen_fd_);
    return;
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Loop(); });
}

FaultProxy::~FaultProxy() {
  stop_ = true;
  if (wake_[1] >= 0 && write(wake_[1], "x", 1) < 0) {
    // The thread also wakes every 20 ms on its own.
  }
  if (thread_.joinable()) thread_.join();
  CloseFd(listen_fd_);
  CloseFd(wake_[0]);
  CloseFd(wake_[1]);
}

void FaultProxy::Loop() {
  std::vector<Pair> pairs;
  while (!stop_) {
    std::vector<pollfd> fds;
    fds.push_back({wake_[0], POLLIN, 0});
    const bool frozen = frozen_;
    if (!frozen) {
      fds.push_back({listen_fd_, POLLIN, 0});
      for (const Pair& p : pairs) {
        fds.push_back(
            {p.client, static_cast<short>(POLLIN | (p.to_client.empty() ? 0 : POLLOUT)), 0});
        fds.push_back(
            {p.server, static_cast<short>(POLLIN | (p.to_server.empty() ? 0 : POLLOUT)), 0});
      }
    }
    // While frozen only the wake pipe is watched; the short timeout notices Thaw().
    if (poll(fds.data(), fds.size(), 20) <= 0 || frozen) continue;
    if (fds[1].revents & POLLIN) {
      const int client = accept(listen_fd_, nullptr, nullptr);
      if (client >= 0) {
        const int server = ConnectUpstream(upstream_host_, upstream_port_);
        if (server < 0) {
          close(client);
        } else {
          pairs.push_back({client, server, {}, {}});
        }
      }
    }
    // Pairs accepted just now have no pollfd yet: only the first `watched` are examined.
    const size_t watched = (fds.size() - 2) / 2;
    for (size_t i = 0; i < watched; ++i) {
      Pair& p = pairs[i];
      const pollfd& c = fds[2 + 2 * i];
      const pollfd& s = fds[3 + 2 * i];
      bool ok = true;
      if (c.revents & POLLIN) ok = ReadInto(p.client, p.to_server) && ok;
      if (s.revents & POLLIN) ok = ReadInto(p.server, p.to_client) && ok;
      if ((c.revents & POLLOUT) && !p.to_client.empty())
        ok = WriteFrom(p.client, p.to_client) && ok;
      if ((s.revents & POLLOUT) && !p.to_server.empty())
        ok = WriteFrom(p.server, p.to_server) && ok;
      if ((c.revents | s.revents) & (POLLERR | POLLHUP | POLLNVAL)) ok = false;
      if (!ok) {
        // One side went away: flush nothing more and close both, as a TCP middlebox would.
        CloseFd(p.client);
        CloseFd(p.server);
      }
    }
    std::erase_if(pairs, [](const Pair& p) { return p.client < 0; });
  }
  for (Pair& p : pairs) {
    CloseFd(p.client);
    CloseFd(p.server);
  }
}

}  // namespace lockstep::testing
