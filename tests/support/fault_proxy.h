// A TCP proxy on loopback that can stop forwarding on command, to test what lockstep and the
// server do when the network between them freezes (packets neither delivered nor refused). The
// proxy's own kernel still accepts connections and acknowledges bytes, as a middlebox that
// stopped routing would: neither end sees a reset, only silence.
//
//   FaultProxy proxy("127.0.0.1", server_port);   // listens on 127.0.0.1:<free port>
//   proxy.Freeze();  ...  proxy.Thaw();
#pragma once

#include <atomic>
#include <string>
#include <thread>

namespace lockstep::testing {

// Thread-safe: Freeze/Thaw/port may be called from any thread. The destructor closes every
// forwarded connection and stops the proxy's thread.
class FaultProxy {
 public:
  FaultProxy(std::string upstream_host, int upstream_port);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  // The loopback port it listens on; 0 when it could not start.
  int port() const { return port_; }
  // From now on nothing is read from, written to or accepted on any socket: bytes already sent
  // wait in kernel buffers until Thaw().
  void Freeze() { frozen_ = true; }
  void Thaw() { frozen_ = false; }

 private:
  void Loop();
  std::string upstream_host_;
  int upstream_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  int wake_[2] = {-1, -1};  // a pipe that ends Loop()
  std::atomic<bool> frozen_{false};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace lockstep::testing
