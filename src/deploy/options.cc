#include "deploy/options.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace lockstep::deploy {

Result<int64_t> ParseDurationMs(std::string_view text) {
  const std::string s(text);
  char* end = nullptr;
  const double value = std::strtod(s.c_str(), &end);
  const std::string unit = end ? std::string(end) : std::string();
  double factor = -1;
  if (unit.empty() || unit == "ms") factor = 1;
  if (unit == "us") factor = 0.001;
  if (unit == "s") factor = 1000;
  if (unit == "min" || unit == "m") factor = 60 * 1000;
  if (unit == "h") factor = 3600 * 1000;
  if (unit == "d") factor = 24 * 3600 * 1000;  // as SHOW prints whole days
  if (s.empty() || end == s.c_str() || factor < 0 || !std::isfinite(value) || value < 0 ||
      value * factor > 1e12) {
    return Status::Error("invalid duration '" + s + "' (use e.g. 100ms, 2s, 5min)");
  }
  return static_cast<int64_t>(std::llround(value * factor));
}

std::string FormatDuration(int64_t ms) {
  char buf[32];
  if (ms < 1000) {
    std::snprintf(buf, sizeof buf, "%lldms", static_cast<long long>(ms));
  } else if (ms < 60 * 1000) {
    std::snprintf(buf, sizeof buf, "%.*fs", ms % 1000 == 0 ? 0 : 1, ms / 1000.0);
  } else if (ms % (60 * 1000) == 0) {
    std::snprintf(buf, sizeof buf, "%lldmin", static_cast<long long>(ms / 60000));
  } else {
    std::snprintf(buf, sizeof buf, "%lldmin%llds", static_cast<long long>(ms / 60000),
                  static_cast<long long>((ms % 60000) / 1000));
  }
  return buf;
}

std::string PgDuration(int64_t ms) {
  if (ms <= 0) return "0";
  return "'" + std::to_string(ms) + "ms'";
}

}  // namespace lockstep::deploy
