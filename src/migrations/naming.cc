#include "migrations/naming.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace lockstep::migrations {
namespace {

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
constexpr bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

// Printable ASCII in ICU root collation order (primary weights; letter case pairs share one).
// Obtained from Node's String.prototype.localeCompare, which the Prisma CLI uses.
constexpr std::string_view kIcuRootOrder =
    " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz";

constexpr std::array<int, 128> MakePrimaryWeights() {
  std::array<int, 128> w{};
  for (int& x : w) x = -1;
  for (size_t i = 0; i < kIcuRootOrder.size(); ++i) {
    const char c = kIcuRootOrder[i];
    w[static_cast<unsigned char>(c)] = static_cast<int>(i);
    if (IsLower(c)) w[static_cast<unsigned char>(c - 'a' + 'A')] = static_cast<int>(i);
  }
  return w;
}
constexpr std::array<int, 128> kPrimaryWeight = MakePrimaryWeights();

int Sign(int v) { return (v > 0) - (v < 0); }

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian, day 0 = 1970-01-01).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int64_t& y, int& m, int& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = yoe + era * 400 + (m <= 2);
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

bool IsValid(const Timestamp& t) {
  return t.year >= 0 && t.year <= 9999 && t.month >= 1 && t.month <= 12 && t.day >= 1 &&
         t.day <= DaysInMonth(t.year, t.month) && t.hour >= 0 && t.hour <= 23 && t.minute >= 0 &&
         t.minute <= 59 && t.second >= 0 && t.second <= 59;
}

bool IsSnakeSuffix(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return IsLower(c) || IsDigit(c) || c == '_'; });
}

// True when `names` are strictly increasing, all after `after`, all before `next` (if any), and
// none of them already exists.
bool FitsBetween(const std::vector<std::string>& names, std::string_view after,
                 const std::optional<std::string>& next, const std::vector<std::string>& existing) {
  std::string_view prev = after;
  for (const std::string& n : names) {
    if (CompareNames(prev, n) >= 0) return false;
    if (next && CompareNames(n, *next) >= 0) return false;
    if (n.size() > 255 || std::find(existing.begin(), existing.end(), n) != existing.end()) {
      return false;
    }
    prev = n;
  }
  return true;
}

}  // namespace

int CompareNames(std::string_view a, std::string_view b) {
  // std::string_view::compare uses char_traits<char>, which compares as unsigned char.
  return Sign(a.compare(b));
}

std::optional<int> CompareNamesLikePrismaCli(std::string_view a, std::string_view b) {
  for (std::string_view s : {a, b}) {
    for (char c : s) {
      const auto u = static_cast<unsigned char>(c);
      if (u >= 128 || kPrimaryWeight[u] < 0) return std::nullopt;
    }
  }
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const int wa = kPrimaryWeight[static_cast<unsigned char>(a[i])];
    const int wb = kPrimaryWeight[static_cast<unsigned char>(b[i])];
    if (wa != wb) return Sign(wa - wb);
  }
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  // Same letters ignoring case: the first case difference decides, lowercase first.
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return IsLower(a[i]) ? -1 : 1;
  }
  return 0;
}

std::optional<Timestamp> ParseTimestampPrefix(std::string_view folder_name) {
  if (folder_name.size() < 14) return std::nullopt;
  if (!std::all_of(folder_name.begin(), folder_name.begin() + 14, IsDigit)) return std::nullopt;
  if (folder_name.size() > 14 && folder_name[14] != '_') return std::nullopt;
  auto num = [&](size_t pos, size_t len) {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) v = v * 10 + (folder_name[i] - '0');
    return v;
  };
  Timestamp t{num(0, 4), num(4, 2), num(6, 2), num(8, 2), num(10, 2), num(12, 2)};
  if (!IsValid(t)) return std::nullopt;
  return t;
}

std::string FormatTimestamp(const Timestamp& t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d%02d%02d%02d", t.year, t.month, t.day, t.hour,
                t.minute, t.second);
  return buf;
}

std::optional<Timestamp> AddSeconds(const Timestamp& t, int64_t seconds) {
  // Anything beyond ten thousand years leaves the range anyway; bounding first avoids overflow.
  constexpr int64_t kLimit = int64_t{10000} * 366 * 86400;
  if (seconds > kLimit || seconds < -kLimit) return std::nullopt;
  int64_t total = DaysFromCivil(t.year, t.month, t.day) * 86400 + t.hour * 3600 + t.minute * 60 +
                  t.second + seconds;
  int64_t days = total / 86400;
  int64_t rem = total % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int64_t year = 0;
  Timestamp r;
  CivilFromDays(days, year, r.month, r.day);
  if (year < 0 || year > 9999) return std::nullopt;
  r.year = static_cast<int>(year);
  r.hour = static_cast<int>(rem / 3600);
  r.minute = static_cast<int>(rem / 60 % 60);
  r.second = static_cast<int>(rem % 60);
  return r;
}

Result<std::vector<std::string>> NamesAfter(std::string_view after,
                                            const std::vector<std::string>& existing,
                                            const std::vector<std::string>& suffixes) {
  for (const std::string& s : suffixes) {
    if (!IsSnakeSuffix(s)) {
      return Status::Error("invalid migration name suffix '" + s +
                           "': expected lowercase letters, digits and '_'");
    }
  }
  std::optional<std::string> next;
  for (const std::string& e : existing) {
    if (CompareNames(e, after) > 0 && (!next || CompareNames(e, *next) < 0)) next = e;
  }
  if (suffixes.empty()) return std::vector<std::string>{};

  if (const std::optional<Timestamp> t = ParseTimestampPrefix(after)) {
    auto used = [&](const Timestamp& second) {
      const std::string prefix = FormatTimestamp(second);
      return std::any_of(existing.begin(), existing.end(), [&](const std::string& e) {
        return e.starts_with(prefix) && (e.size() == 14 || e[14] == '_');
      });
    };
    std::vector<std::string> names;
    std::optional<Timestamp> cur = t;
    for (const std::string& s : suffixes) {
      // A second that another folder already uses would give two folders one timestamp: skip it.
      do {
        cur = AddSeconds(*cur, 1);
      } while (cur && used(*cur));
      if (!cur) break;
      names.push_back(FormatTimestamp(*cur) + "_" + s);
    }
    if (names.size() == suffixes.size() && FitsBetween(names, after, next, existing)) return names;
  }

  const size_t width = std::max<size_t>(2, std::to_string(suffixes.size()).size());
  std::vector<std::string> names;
  for (size_t k = 1; k <= suffixes.size(); ++k) {
    std::string index = std::to_string(k);
    index.insert(0, width - index.size(), '0');
    names.push_back(std::string(after) + "_" + index + "_" + suffixes[k - 1]);
  }
  if (FitsBetween(names, after, next, existing)) return names;
  return Status::Error("no free migration name sorts between '" + std::string(after) + "'" +
                       (next ? " and '" + *next + "'" : std::string()) +
                       "; rename the folders so that new migrations can be inserted");
}

std::string SnakeCase(std::string_view text, size_t max_length) {
  std::string out;
  bool pending_separator = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!IsLower(c) && !IsUpper(c) && !IsDigit(c)) {
      pending_separator = true;
      continue;
    }
    if (IsUpper(c) && i > 0) {
      const char prev = text[i - 1];
      const bool next_lower = i + 1 < text.size() && IsLower(text[i + 1]);
      // memberId -> member_id; HTTPServer -> http_server (the last capital starts the new word).
      if (IsLower(prev) || IsDigit(prev) || (IsUpper(prev) && next_lower)) pending_separator = true;
    }
    if (pending_separator && !out.empty()) out.push_back('_');
    pending_separator = false;
    out.push_back(IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c);
  }
  if (out.size() > max_length) {
    const size_t cut = out.rfind('_', max_length);
    if (cut != std::string::npos && cut >= max_length / 2) {
      out.resize(cut);
    } else {
      out.resize(max_length);
    }
    while (!out.empty() && out.back() == '_') out.pop_back();
  }
  return out;
}

}  // namespace lockstep::migrations
