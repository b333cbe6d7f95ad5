// Shared libraries loaded on first use instead of at start-up.
//
// Most runs of lockstep never open a database connection or hash a migration: `lint`, `fix`,
// `explain`, `rules`. Linking libpq makes every run load it with its Kerberos, LDAP, SASL and
// GnuTLS chain (20 shared libraries, about 8 ms of start-up on a 2-core VM, as much as squawk's
// whole start), and libcrypto alone costs about 4 ms. So lockstep links neither: src/db/libpq.cc
// and src/migrations/libcrypto.cc define the functions lockstep calls, under their own names and
// signatures (the compiler checks them against the library's header), and each one resolves the
// real function here on its first call.
#pragma once

#include "base/status.h"

namespace lockstep {

struct SharedLibrary {
  const char* soname;   // e.g. "libpq.so.5": the ABI the headers describe
  const char* package;  // the Debian package that ships it, for the error message
  StatusCode code;      // what failing to load it means (the exit code: base/process_exit.h)
};

// The address of `symbol` in `lib`, loading `lib` on the first call. When the library or the
// symbol is missing there is no way to go on (a linked library would have stopped the program
// before main): prints "lockstep: cannot load <symbol> from <soname> (<dlerror>); install the
// <package> package" to stderr and exits with the exit code of lib.code. Thread-safe.
void* LoadSymbol(const SharedLibrary& lib, const char* symbol);

}  // namespace lockstep

// Defines `ret name params`, forwarding `args` to the function of that name in the
// SharedLibrary `lib`, resolved on the first call (a thread-safe static). `name` must already be
// declared by the library's header: decltype(&name) makes the compiler check the signature.
#define LOCKSTEP_FORWARD_TO_LIBRARY(lib, ret, name, params, args)              \
  ret name params {                                                            \
    static const auto real =                                                   \
        reinterpret_cast<decltype(&name)>(::lockstep::LoadSymbol(lib, #name)); \
    return real args;                                                          \
  }
