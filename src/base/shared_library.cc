#include "base/shared_library.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

#include "base/process_exit.h"

namespace lockstep {

void* LoadSymbol(const SharedLibrary& lib, const char* symbol) {
  // dlopen counts references, so opening again per symbol returns the same handle; it is
  // thread-safe, and each caller caches the symbol it resolves. RTLD_LOCAL: the library's
  // symbols do not become visible to anything loaded later.
  void* handle = dlopen(lib.soname, RTLD_NOW | RTLD_LOCAL);
  void* address = handle ? dlsym(handle, symbol) : nullptr;
  if (address == nullptr) {
    const char* why = dlerror();
    std::fprintf(stderr, "lockstep: cannot load %s from %s (%s); install the %s package\n", symbol,
                 lib.soname, why ? why : "unknown error", lib.package);
    std::fflush(stderr);
    std::_Exit(ProcessExitCode(lib.code));
  }
  return address;
}

}  // namespace lockstep
