#include "migrations/contract.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>
#include <system_error>

namespace lockstep::migrations {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kExpandLine = "-- lockstep-expand: ";
constexpr std::string_view kFixedLine = "-- lockstep-fixed: ";
constexpr std::string_view kWhatLine = "-- lockstep-drops: ";

// The part of `name` after its `YYYYMMDDHHMMSS_` prefix, or the whole name without one.
std::string SlugOf(const std::string& name) {
  if (ParseTimestampPrefix(name) && name.size() > 15) return name.substr(15);
  return name;
}

}  // namespace

fs::path HoldingDirectory(const fs::path& migrations_dir) {
  fs::path dir = migrations_dir.lexically_normal();
  // "prisma/migrations/" has an empty last component: its parent would be the directory itself.
  if (dir.has_relative_path() && !dir.has_filename()) dir = dir.parent_path();
  // "." (`lockstep fix .` inside the migrations directory) and ".." have no parent to take:
  // theirs is one step up, not the empty path, which would put the held migrations inside.
  if (dir == "." || dir.filename() == "..")
    return (dir / ".." / std::string(kHoldingDirectoryName)).lexically_normal();
  return dir.parent_path() / std::string(kHoldingDirectoryName);
}

std::string ContractHeaderText(const ContractHeader& h) {
  // The first lines are for people; the `lockstep-` lines are what `lockstep contract` reads.
  std::string out;
  out += "-- Contract phase of " + h.fixed + " (lockstep fix; docs/expand-contract.md).\n";
  out += "-- It waits for the rollout: release it (`lockstep contract release`) only once no\n";
  out += "-- running version of the application uses the old shape. Until then it stays in\n";
  out +=
      "-- lockstep-contract/, where neither `prisma migrate deploy` nor `lockstep deploy` looks.\n";
  out += std::string(kExpandLine) + h.expand + "\n";
  out += std::string(kFixedLine) + h.fixed + "\n";
  out += std::string(kWhatLine) + h.what + "\n";
  out += "\n";
  return out;
}

std::optional<ContractHeader> ParseContractHeader(std::string_view sql) {
  ContractHeader h;
  bool found = false;
  size_t at = 0;
  while (at < sql.size()) {
    size_t end = sql.find('\n', at);
    if (end == std::string_view::npos) end = sql.size();
    std::string_view line = sql.substr(at, end - at);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    at = end + 1;
    if (line.empty()) continue;
    if (line.substr(0, 2) != "--") break;  // the header ends where the SQL starts
    auto value = [&](std::string_view prefix, std::string& out) {
      if (line.substr(0, prefix.size()) != prefix) return false;
      out = std::string(line.substr(prefix.size()));
      return true;
    };
    if (value(kExpandLine, h.expand)) found = true;
    value(kFixedLine, h.fixed);
    value(kWhatLine, h.what);
  }
  if (!found || h.expand.empty()) return std::nullopt;
  return h;
}

Result<std::vector<HeldMigration>> ListHeld(const fs::path& migrations_dir) {
  std::vector<HeldMigration> out;
  const fs::path dir = HoldingDirectory(migrations_dir);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  fs::directory_iterator it(dir, ec);
  if (ec) return Status::Error("cannot list the holding directory: " + ec.message(), dir.string());
  for (const fs::directory_entry& e : it) {
    if (!e.is_directory(ec)) continue;  // stray files (an editor's backup) are not migrations
    HeldMigration h;
    h.name = e.path().filename().string();
    h.folder = e.path();
    const fs::path file = e.path() / "migration.sql";
    std::ifstream in(file, std::ios::binary);
    if (!in)
      return Status::Error("a held contract migration without a readable migration.sql",
                           file.string());
    std::ostringstream b;
    b << in.rdbuf();
    h.sql = b.str();
    h.header = ParseContractHeader(h.sql);
    out.push_back(std::move(h));
  }
  std::sort(out.begin(), out.end(), [](const HeldMigration& a, const HeldMigration& b) {
    return CompareNames(a.name, b.name) < 0;
  });
  return out;
}

Result<std::vector<Release>> PlanRelease(const std::vector<HeldMigration>& held,
                                         const std::vector<std::string>& requested,
                                         const std::vector<std::string>& existing,
                                         const std::optional<std::vector<std::string>>& applied,
                                         const Timestamp& now) {
  for (const std::string& r : requested)
    if (std::none_of(held.begin(), held.end(), [&](const HeldMigration& h) { return h.name == r; }))
      return Status::Error("`" + r + "` is not held in " + std::string(kHoldingDirectoryName) +
                           "/ (`lockstep contract list` shows what is)");
  std::vector<const HeldMigration*> chosen;
  for (const HeldMigration& h : held) {
    const bool wanted = requested.empty() ||
                        std::find(requested.begin(), requested.end(), h.name) != requested.end();
    if (wanted) {
      chosen.push_back(&h);
    } else {
      // A later one released while this one stays held would run first.
      for (const std::string& r : requested)
        if (CompareNames(r, h.name) > 0)
          return Status::Error("releasing `" + r + "` out of order: `" + h.name +
                               "` was written before it and is still held; release it first, "
                               "or both together");
    }
  }
  for (const HeldMigration* h : chosen) {
    if (!h->header) continue;  // written by hand: nothing says what it waits for
    const std::string& e = h->header->expand;
    if (std::find(existing.begin(), existing.end(), e) == existing.end())
      return Status::Error("cannot release `" + h->name + "`: its expand migration `" + e +
                           "` is not in the migrations directory (its contract would drop what "
                           "nothing replaced)");
    if (applied && std::find(applied->begin(), applied->end(), e) == applied->end())
      return Status::Error("cannot release `" + h->name + "`: its expand migration `" + e +
                           "` is not applied in the database yet: deploy it, roll out the "
                           "application that no longer uses the old shape, then release");
  }
  // The first second free after every timestamped name, or now when that is later.
  Timestamp start = now;
  std::string latest;
  for (const std::string& n : existing)
    if (ParseTimestampPrefix(n) && CompareNames(n, latest) > 0) latest = n;
  if (!latest.empty()) {
    std::optional<Timestamp> next = AddSeconds(*ParseTimestampPrefix(latest), 1);
    if (!next) return Status::Error("no timestamp after `" + latest + "`");
    if (FormatTimestamp(*next) > FormatTimestamp(start)) start = *next;
  }
  std::vector<Release> out;
  for (size_t i = 0; i < chosen.size(); ++i) {
    std::optional<Timestamp> t = AddSeconds(start, static_cast<int64_t>(i));
    if (!t) return Status::Error("no timestamp left for `" + chosen[i]->name + "`");
    const std::string name = FormatTimestamp(*t) + "_" + SlugOf(chosen[i]->name);
    for (const std::string& n : existing)
      if (CompareNames(name, n) <= 0)
        return Status::Error("cannot name `" + chosen[i]->name + "` so that it sorts after `" + n +
                             "`: rename that folder with a timestamp prefix");
    out.push_back({chosen[i]->name, name});
  }
  return out;
}

Status ApplyRelease(const fs::path& migrations_dir, const std::vector<Release>& releases) {
  const fs::path holding = HoldingDirectory(migrations_dir);
  std::error_code ec;
  for (const Release& r : releases) {
    const fs::path to = migrations_dir / r.released;
    if (fs::exists(to, ec)) return Status::Error("refusing to overwrite", to.string());
    // One rename per folder: the migration appears whole or not at all.
    fs::rename(holding / r.held, to, ec);
    if (ec) return Status::Error("cannot move it: " + ec.message(), (holding / r.held).string());
  }
  if (fs::is_directory(holding, ec) && fs::is_empty(holding, ec)) fs::remove(holding, ec);
  return Status::Ok();
}

Timestamp UtcNow() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec};
}

}  // namespace lockstep::migrations
