#include "base/printable.h"

namespace lockstep {
namespace {

bool IsControl(unsigned char c) { return c < 0x20 || c == 0x7F; }

void AppendEscaped(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    default:
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
  }
}

}  // namespace

std::string EscapeControl(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\\') {
      out += "\\\\";
    } else if (IsControl(c)) {
      AppendEscaped(out, c);
    } else {
      out += ch;
    }
  }
  return out;
}

std::string EscapeControlInLines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (IsControl(c) && c != '\n' && c != '\t') {
      AppendEscaped(out, c);
    } else {
      out += ch;
    }
  }
  return out;
}

std::string MaskUrlPasswords(std::string_view text) {
  std::string out;
  size_t pos = 0;
  for (size_t scheme; (scheme = text.find("://", pos)) != std::string_view::npos;) {
    const size_t authority = scheme + 3;
    // The authority ends at the path, query or fragment; its last '@' ends the user info.
    size_t end = text.find_first_of("/?#", authority);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view auth = text.substr(authority, end - authority);
    const size_t at = auth.rfind('@');
    const size_t colon = at == std::string_view::npos ? at : auth.substr(0, at).find(':');
    if (colon == std::string_view::npos) {
      out.append(text.substr(pos, end - pos));
    } else {
      out.append(text.substr(pos, authority + colon + 1 - pos));
      out += "****";
      out.append(auth.substr(at));
    }
    pos = end;
  }
  out.append(text.substr(pos));
  return out;
}

bool LooksLikeUrl(std::string_view text) {
  const size_t scheme = text.find("://");
  if (scheme == std::string_view::npos || scheme == 0) return false;
  for (size_t i = 0; i < scheme; ++i) {
    const char c = text[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool other = (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
    if (!letter && !(i > 0 && other)) return false;
  }
  return true;
}

}  // namespace lockstep
