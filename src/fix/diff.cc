#include "fix/diff.h"

#include <algorithm>
#include <vector>

namespace lockstep::fix {
namespace {

std::vector<std::string_view> Lines(std::string_view t) {
  std::vector<std::string_view> out;
  size_t at = 0;
  while (at < t.size()) {
    size_t nl = t.find('\n', at);
    size_t end = nl == std::string_view::npos ? t.size() : nl + 1;
    out.push_back(t.substr(at, end - at));
    at = end;
  }
  return out;
}

enum class Op { kKeep, kDel, kAdd };

// Myers' O(ND) shortest edit script.
std::vector<Op> Script(const std::vector<std::string_view>& a,
                       const std::vector<std::string_view>& b) {
  const int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  const int max = n + m;
  std::vector<int> v(2 * max + 2, 0);
  std::vector<std::vector<int>> trace;
  int d_end = 0;
  for (int d = 0; d <= max; ++d) {
    trace.push_back(v);
    bool done = false;
    for (int k = -d; k <= d; k += 2) {
      int x;
      if (k == -d || (k != d && v[max + k - 1] < v[max + k + 1]))
        x = v[max + k + 1];
      else
        x = v[max + k - 1] + 1;
      int y = x - k;
      while (x < n && y < m && a[x] == b[y]) ++x, ++y;
      v[max + k] = x;
      if (x >= n && y >= m) {
        done = true;
        break;
      }
    }
    if (done) {
      d_end = d;
      trace.push_back(v);
      break;
    }
  }
  std::vector<Op> ops;
  int x = n, y = m;
  for (int d = d_end; d > 0; --d) {
    const std::vector<int>& pv = trace[d];  // v before step d
    const int k = x - y;
    int prev_k;
    if (k == -d || (k != d && pv[max + k - 1] < pv[max + k + 1]))
      prev_k = k + 1;
    else
      prev_k = k - 1;
    const int prev_x = pv[max + prev_k];
    const int prev_y = prev_x - prev_k;
    while (x > prev_x && y > prev_y) {
      ops.push_back(Op::kKeep);
      --x, --y;
    }
    if (x == prev_x) {
      ops.push_back(Op::kAdd);
      --y;
    } else {
      ops.push_back(Op::kDel);
      --x;
    }
  }
  while (x > 0 && y > 0) {
    ops.push_back(Op::kKeep);
    --x, --y;
  }
  std::reverse(ops.begin(), ops.end());
  return ops;
}

void Emit(std::string& out, char sign, std::string_view line) {
  out += sign;
  out.append(line);
  if (line.empty() || line.back() != '\n') out += "\n\\ No newline at end of file\n";
}

std::string Range(int start, int count) {
  // diff -u: a 0-line range is shown at the line before it.
  if (count == 0) return std::to_string(start) + ",0";
  if (count == 1) return std::to_string(start + 1);
  return std::to_string(start + 1) + "," + std::to_string(count);
}

}  // namespace

std::string UnifiedDiff(std::string_view path, std::string_view before, std::string_view after,
                        bool new_file) {
  if (before == after && !new_file) return "";
  const auto a = Lines(before), b = Lines(after);
  const std::vector<Op> ops = Script(a, b);
  std::string out = new_file ? "--- /dev/null\n" : "--- a/" + std::string(path) + "\n";
  out += "+++ b/" + std::string(path) + "\n";
  constexpr int kContext = 3;
  const int total = static_cast<int>(ops.size());
  // Positions in a and b at each op index.
  std::vector<int> ai(total + 1), bi(total + 1);
  for (int i = 0, x = 0, y = 0; i <= total; ++i) {
    ai[i] = x;
    bi[i] = y;
    if (i == total) break;
    if (ops[i] != Op::kAdd) ++x;
    if (ops[i] != Op::kDel) ++y;
  }
  int i = 0;
  while (i < total) {
    if (ops[i] == Op::kKeep) {
      ++i;
      continue;
    }
    // A hunk: from kContext keeps before the change to kContext keeps after the last change that
    // is within 2*kContext of the previous one.
    int start = std::max(0, i - kContext);
    while (start < i && ops[start] != Op::kKeep) ++start;
    int end = i;
    while (true) {
      while (end < total && ops[end] != Op::kKeep) ++end;
      int keeps = 0;
      while (end + keeps < total && ops[end + keeps] == Op::kKeep) ++keeps;
      if (end + keeps < total && keeps <= 2 * kContext) {
        end += keeps;
        continue;
      }
      end += std::min(keeps, kContext);
      break;
    }
    out += "@@ -" + Range(ai[start], ai[end] - ai[start]) + " +" +
           Range(bi[start], bi[end] - bi[start]) + " @@\n";
    for (int k = start; k < end; ++k) {
      if (ops[k] == Op::kKeep)
        Emit(out, ' ', a[ai[k]]);
      else if (ops[k] == Op::kDel)
        Emit(out, '-', a[ai[k]]);
      else
        Emit(out, '+', b[bi[k]]);
    }
    i = end;
  }
  return out;
}

}  // namespace lockstep::fix
