// The OpenSSL functions lockstep calls (SHA-256 for Prisma's checksums, random bytes for
// migration ids), defined here under OpenSSL's own names and resolved from libcrypto.so.3 on
// first use, so that commands that never hash a migration do not load libcrypto at start-up
// (see base/shared_library.h). The compiler checks each signature against OpenSSL's headers.
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "base/shared_library.h"

namespace {

constexpr lockstep::SharedLibrary kLibcrypto{"libcrypto.so.3", "libssl3",
                                             lockstep::StatusCode::kInvalidInput};

}  // namespace

LOCKSTEP_FORWARD_TO_LIBRARY(kLibcrypto, int, EVP_Digest,
                            (const void* data, size_t count, unsigned char* md, unsigned int* size,
                             const EVP_MD* type, ENGINE* impl),
                            (data, count, md, size, type, impl))
LOCKSTEP_FORWARD_TO_LIBRARY(kLibcrypto, const EVP_MD*, EVP_sha256, (void), ())
LOCKSTEP_FORWARD_TO_LIBRARY(kLibcrypto, int, RAND_bytes, (unsigned char* buf, int num), (buf, num))
