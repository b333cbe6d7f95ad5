#include "fleet/targets.h"

#include <fstream>
#include <map>
#include <sstream>

#include "db/connection.h"

namespace lockstep::fleet {
namespace {

std::string Trim(std::string s) {
  const char* ws = " \t\r\n";
  s.erase(s.find_last_not_of(ws) + 1);
  s.erase(0, s.find_first_not_of(ws));
  return s;
}

// Two lines naming the same database and schema would deploy one tenant twice at once (the
// second waits on the first's advisory lock, or both report it) and count it twice.
std::string Identity(const db::ConnInfo& c) {
  return c.Endpoint() + "/" + c.dbname + "?schema=" + (c.schema.empty() ? "public" : c.schema);
}

Status CheckDuplicates(const std::vector<FleetTarget>& targets, const std::string& where,
                       const char* unit) {
  std::map<std::string, int> seen;
  for (const FleetTarget& t : targets) {
    auto [it, fresh] = seen.emplace(Identity(t.conn), t.line);
    if (!fresh)
      return Status::Error(where + std::string(unit) + std::to_string(t.line) + ": " + t.label +
                           " is already the target of " + unit + std::to_string(it->second) +
                           "; each database or tenant schema may be listed once");
  }
  return Status::Ok();
}

}  // namespace

std::string LabelOf(const db::ConnInfo& conn) {
  std::string out = conn.Endpoint() + "/" + conn.dbname;
  if (!conn.schema.empty()) out += "?schema=" + conn.schema;
  return out;
}

Result<std::vector<FleetTarget>> ParseFleet(const std::string& path, const std::string& text) {
  std::vector<FleetTarget> out;
  std::istringstream in(text);
  std::string raw;
  for (int line = 1; std::getline(in, raw); ++line) {
    std::string s = raw;
    // A comment: a line starting with '#', or " #" after the URL ('#' has no meaning in a
    // PostgreSQL URL; Prisma's percent-encodes one inside a password).
    if (size_t hash = s.find('#');
        hash != std::string::npos && (hash == s.find_first_not_of(" \t") ||
                                      (hash > 0 && (s[hash - 1] == ' ' || s[hash - 1] == '\t'))))
      s.erase(hash);
    s = Trim(s);
    if (s.empty()) continue;
    const std::string where = path + ":" + std::to_string(line);
    if (s.find_first_of(" \t") != std::string::npos)
      return Status::Error(where + ": one URL per line (this line has several words)");
    if (s.rfind("postgresql://", 0) != 0 && s.rfind("postgres://", 0) != 0)
      return Status::Error(
          where + ": not a PostgreSQL URL (expected postgresql://user@host/db?schema=...)");
    db::DbResult<db::ConnInfo> info = db::ParseUrl(s);
    if (!info.ok()) return Status::Error(where + ": " + info.error().OneLine());
    out.push_back({*info, LabelOf(*info), line});
  }
  if (out.empty()) return Status::Error(path + ": lists no target (one PostgreSQL URL per line)");
  if (Status dup = CheckDuplicates(out, path + ":", "line "); !dup.ok()) return dup;
  return out;
}

Result<std::vector<FleetTarget>> ReadFleetFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error(path + ": cannot read the fleet file");
  std::ostringstream text;
  text << in.rdbuf();
  const std::string bytes = text.str();
  if (bytes.find('\0') != std::string::npos)
    return Status::Error(path + ": holds a NUL byte; a fleet file is text, one URL per line");
  return ParseFleet(path, bytes);
}

Result<std::vector<FleetTarget>> TargetsFromValues(const std::vector<std::string>& values,
                                                   const db::ConnInfo& base) {
  std::vector<FleetTarget> out;
  for (size_t i = 0; i < values.size(); ++i) {
    const std::string v = Trim(values[i]);
    const int row = static_cast<int>(i) + 1;
    const std::string where = "--fleet-query row " + std::to_string(row);
    if (v.empty()) return Status::Error(where + ": empty (a schema name or a URL per row)");
    if (v.rfind("postgresql://", 0) == 0 || v.rfind("postgres://", 0) == 0) {
      db::DbResult<db::ConnInfo> info = db::ParseUrl(v);
      if (!info.ok()) return Status::Error(where + ": " + info.error().OneLine());
      out.push_back({*info, LabelOf(*info), row});
    } else {
      db::ConnInfo c = base;
      c.schema = v;
      out.push_back({c, LabelOf(c), row});
    }
  }
  if (out.empty()) return Status::Error("--fleet-query returned no rows: no target");
  if (Status dup = CheckDuplicates(out, "--fleet-query ", "row "); !dup.ok()) return dup;
  return out;
}

Result<std::vector<FleetTarget>> TargetsFromQuery(const db::ConnInfo& tenants,
                                                  const std::string& sql) {
  db::ConnectOptions options;
  options.application_name = "lockstep fleet";
  db::DbResult<db::Connection> conn = db::Connect(tenants, options);
  if (!conn.ok())
    return Status::Error("--fleet-query: cannot connect to " + LabelOf(tenants) + ": " +
                         conn.error().OneLine());
  // Reading the tenants list must never write or hold a lock for long on the database it reads.
  for (const char* setup : {"SET statement_timeout = '30s'", "BEGIN READ ONLY"}) {
    db::DbResult<db::Rows> r = conn->Exec(setup);
    if (!r.ok()) return Status::Error("--fleet-query: " + r.error().OneLine());
  }
  db::DbResult<db::Rows> rows = conn->Exec(sql);
  if (!rows.ok()) return Status::Error("--fleet-query: " + rows.error().OneLine());
  (void)conn->Exec("ROLLBACK");
  if (rows->columns.empty())
    return Status::Error("--fleet-query returned no columns (a schema name or a URL per row)");
  std::vector<std::string> values;
  for (size_t i = 0; i < rows->size(); ++i) {
    const std::optional<std::string>& v = rows->rows[i][0];
    if (!v) return Status::Error("--fleet-query row " + std::to_string(i + 1) + ": NULL");
    values.push_back(*v);
  }
  return TargetsFromValues(values, tenants);
}

}  // namespace lockstep::fleet
