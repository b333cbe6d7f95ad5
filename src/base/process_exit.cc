#include "base/process_exit.h"

#include <atomic>

namespace lockstep {
namespace {
std::atomic<ExitCodeMapping> g_mapping{nullptr};
}  // namespace

void InstallExitCodes(ExitCodeMapping mapping) { g_mapping.store(mapping); }

int ProcessExitCode(StatusCode code) {
  const ExitCodeMapping mapping = g_mapping.load();
  if (mapping != nullptr) return mapping(code);
  return code == StatusCode::kOk ? 0 : 1;
}

}  // namespace lockstep
