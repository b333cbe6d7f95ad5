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

Result<PreflightMode> ParsePreflightMode(std::string_view text) {
  if (text == "off") return PreflightMode::kOff;
  if (text == "warn") return PreflightMode::kWarn;
  if (text == "strict") return PreflightMode::kStrict;
  return Status::Error("--preflight is off, warn or strict, not '" + std::string(text) + "'");
}

Result<int64_t> ParseBytes(std::string_view text) {
  const std::string s(text);
  char* end = nullptr;
  const long long value = std::strtoll(s.c_str(), &end, 10);
  const std::string unit = end ? std::string(end) : std::string();
  int64_t factor = -1;
  if (unit.empty() || unit == "B") factor = 1;
  if (unit == "kB") factor = int64_t{1} << 10;
  if (unit == "MB") factor = int64_t{1} << 20;
  if (unit == "GB") factor = int64_t{1} << 30;
  if (unit == "TB") factor = int64_t{1} << 40;
  if (s.empty() || end == s.c_str() || factor < 0 || value < 0 ||
      value > (int64_t{1} << 62) / factor) {
    return Status::Error("invalid size '" + s + "' (use e.g. 512MB, 1GB)");
  }
  return static_cast<int64_t>(value) * factor;
}

std::string FormatBytes(int64_t bytes) {
  static const char* const kUnits[] = {"kB", "MB", "GB", "TB"};
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  double v = bytes / 1024.0;
  int unit = 0;
  while (v >= 1024 && unit < 3) {
    v /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[unit]);
  return buf;
}

std::string PgDuration(int64_t ms) {
  if (ms <= 0) return "0";
  return "'" + std::to_string(ms) + "ms'";
}

}  // namespace lockstep::deploy
