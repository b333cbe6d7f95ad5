#include "migrations/checksum.h"

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <cstdlib>

namespace lockstep::migrations {
namespace {

using Digest = std::array<unsigned char, 32>;

Digest Sha256(std::string_view bytes) {
  Digest d{};
  unsigned int len = 0;
  // EVP_Digest only fails on allocation failure or a missing algorithm; sha256 is always built
  // into libcrypto, so a failure is a broken installation, not an input problem.
  if (EVP_Digest(bytes.data(), bytes.size(), d.data(), &len, EVP_sha256(), nullptr) != 1 ||
      len != d.size()) {
    std::abort();
  }
  return d;
}

std::string Hex(const Digest& d, bool zero_padded) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (unsigned char b : d) {
    if (zero_padded || b >= 16) out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

std::string ReplaceAll(std::string_view s, std::string_view from, std::string_view to) {
  std::string out;
  out.reserve(s.size());
  size_t pos = 0;
  for (size_t hit; (hit = s.find(from, pos)) != std::string_view::npos; pos = hit + from.size()) {
    out.append(s.substr(pos, hit - pos));
    out.append(to);
  }
  out.append(s.substr(pos));
  return out;
}

// The WHATWG UTF-8 decoder: copies well-formed sequences and, when `out` is set, writes U+FFFD
// for each maximal ill-formed subsequence. Returns whether the input was well-formed.
bool DecodeUtf8(std::string_view in, std::string* out) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  bool valid = true;
  size_t i = 0;
  while (i < in.size()) {
    const auto b = static_cast<unsigned char>(in[i]);
    int needed = 0;
    unsigned char lower = 0x80, upper = 0xBF;
    if (b < 0x80) {
      needed = 0;
    } else if (b >= 0xC2 && b <= 0xDF) {
      needed = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      needed = 2;
      if (b == 0xE0) lower = 0xA0;  // overlong
      if (b == 0xED) upper = 0x9F;  // surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
      needed = 3;
      if (b == 0xF0) lower = 0x90;  // overlong
      if (b == 0xF4) upper = 0x8F;  // beyond U+10FFFF
    } else {
      valid = false;
      if (out) out->append(kReplacement);
      ++i;
      continue;
    }
    size_t j = i + 1;
    for (int seen = 0; seen < needed; ++seen, ++j) {
      if (j >= in.size()) break;
      const auto c = static_cast<unsigned char>(in[j]);
      if (c < lower || c > upper) break;
      lower = 0x80;
      upper = 0xBF;
    }
    if (j - i == static_cast<size_t>(needed) + 1) {
      if (out) out->append(in.substr(i, j - i));
    } else {
      // The bytes consumed so far form one maximal subpart; the offending byte is read again.
      valid = false;
      if (out) out->append(kReplacement);
    }
    i = j;
  }
  return valid;
}

}  // namespace

std::string Sha256Hex(std::string_view bytes) { return Hex(Sha256(bytes), true); }

std::string ToWellFormedUtf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  DecodeUtf8(bytes, &out);
  return out;
}

bool IsValidUtf8(std::string_view bytes) { return DecodeUtf8(bytes, nullptr); }

std::string PrismaChecksum(std::string_view file_bytes) {
  if (IsValidUtf8(file_bytes)) return Sha256Hex(file_bytes);
  return Sha256Hex(ToWellFormedUtf8(file_bytes));
}

bool ChecksumMatches(std::string_view file_bytes, std::string_view recorded) {
  const std::string script =
      IsValidUtf8(file_bytes) ? std::string(file_bytes) : ToWellFormedUtf8(file_bytes);
  const bool legacy = !recorded.empty() && recorded.size() != 64;
  auto matches = [&](std::string_view s) { return Hex(Sha256(s), !legacy) == recorded; };
  return matches(script) || matches(ReplaceAll(script, "\r\n", "\n")) ||
         matches(ReplaceAll(script, "\n", "\r\n"));
}

}  // namespace lockstep::migrations
