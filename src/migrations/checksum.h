// Prisma's migration checksums: what `_prisma_migrations.checksum` holds and how Prisma compares a
// recorded checksum with the file on disk (schema-connector's checksum.rs). Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace lockstep::migrations {

// Lowercase hex SHA-256 (64 characters) of `bytes`.
std::string Sha256Hex(std::string_view bytes);

// The checksum Prisma records for a migration.sql with these bytes. The Prisma CLI reads the
// file as UTF-8 text before hashing, so it equals Sha256Hex(bytes) for valid UTF-8 (a BOM is
// kept) and is the hash of ToWellFormedUtf8(bytes) otherwise.
std::string PrismaChecksum(std::string_view file_bytes);

// True when Prisma would consider the file unchanged since `recorded` was stored: the checksum
// of the script as is, with every CRLF turned into LF, or with every LF turned into CRLF (a
// plain replace, so an existing CRLF becomes CR CR LF, exactly as Prisma does) equals
// `recorded`. A recorded value of another length than 64 is compared with the hex digits not
// zero-padded, which old Prisma versions stored (prisma-engines issue 1887).
bool ChecksumMatches(std::string_view file_bytes, std::string_view recorded);

// `bytes` decoded as UTF-8 the way Node.js (and the WHATWG Encoding standard) does it, then
// re-encoded: every maximal ill-formed subsequence becomes U+FFFD (EF BF BD).
std::string ToWellFormedUtf8(std::string_view bytes);

// True when `bytes` is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

}  // namespace lockstep::migrations
