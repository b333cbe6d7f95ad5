#include "base/paths.h"

namespace lockstep {

bool IsLexicallyNormal(std::string_view s) {
  if (s.empty()) return false;  // normalises to "."
  if (s == ".") return true;
  if (s.back() == '/') return s == "/";  // a trailing separator is kept or dropped by rules
  const bool absolute = s.front() == '/';
  size_t pos = absolute ? 1 : 0;
  bool only_dotdot_so_far = true;
  while (pos <= s.size()) {
    const size_t slash = s.find('/', pos);
    const std::string_view part = s.substr(pos, slash - pos);  // to the end when there is none
    if (part.empty() || part == ".") return false;
    if (part == "..") {
      if (absolute || !only_dotdot_so_far) return false;
    } else {
      only_dotdot_so_far = false;
    }
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return true;
}

std::filesystem::path LexicallyNormal(const std::filesystem::path& p) {
  return IsLexicallyNormal(p.native()) ? p : p.lexically_normal();
}

}  // namespace lockstep
