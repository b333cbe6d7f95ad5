#include "base/edit.h"

#include <algorithm>

namespace lockstep {

Result<std::string> ApplyEdits(std::string_view text, std::vector<Edit> edits) {
  std::stable_sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    return (a.begin == a.end) && (b.begin != b.end);
  });
  std::vector<Edit> merged;
  for (Edit& e : edits) {
    if (e.begin < 0 || e.end < e.begin || e.end > static_cast<int>(text.size()))
      return Status::Error("internal error: edit out of range");
    if (!merged.empty() && e.begin < merged.back().end) {
      Edit& prev = merged.back();
      if (prev.text.empty() && e.text.empty() && prev.begin != prev.end) {
        prev.end = std::max(prev.end, e.end);
        continue;
      }
      return Status::Error("internal error: overlapping edits");
    }
    merged.push_back(std::move(e));
  }
  std::string out;
  out.reserve(text.size() + 256);
  int at = 0;
  for (const Edit& e : merged) {
    out.append(text.substr(at, e.begin - at));
    out += e.text;
    at = e.end;
  }
  out.append(text.substr(at));
  return out;
}

}  // namespace lockstep
