#include "db/datasource.h"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace lockstep::db {
namespace fs = std::filesystem;
namespace {

// The schema's text without its comments (`//` and `///` to the end of the line), strings kept.
std::string WithoutComments(std::string_view text) {
  std::string out;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) {
        out += text[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      while (i < text.size() && text[i] != '\n') ++i;
      out += '\n';
      continue;
    }
    out += c;
  }
  return out;
}

void SkipSpace(std::string_view s, size_t& i) {
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
}

std::string Word(std::string_view s, size_t& i) {
  const size_t start = i;
  while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
  return std::string(s.substr(start, i - start));
}

// A "…" string at `i` (Prisma's escapes: \" and \\), or nullopt.
std::optional<std::string> String(std::string_view s, size_t& i) {
  if (i >= s.size() || s[i] != '"') return std::nullopt;
  std::string out;
  for (++i; i < s.size() && s[i] != '"'; ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) ++i;
    out += s[i];
  }
  if (i >= s.size()) return std::nullopt;
  ++i;
  return out;
}

// env("NAME") or "literal" at `i`.
std::optional<DatasourceValue> Value(std::string_view s, size_t& i) {
  SkipSpace(s, i);
  DatasourceValue v;
  if (std::optional<std::string> lit = String(s, i)) {
    v.literal = *lit;
    return v;
  }
  if (Word(s, i) != "env") return std::nullopt;
  SkipSpace(s, i);
  if (i >= s.size() || s[i] != '(') return std::nullopt;
  ++i;
  SkipSpace(s, i);
  std::optional<std::string> name = String(s, i);
  SkipSpace(s, i);
  if (!name || i >= s.size() || s[i] != ')') return std::nullopt;
  ++i;
  v.env_name = *name;
  return v;
}

}  // namespace

std::optional<Datasource> ParseDatasource(std::string_view schema_text) {
  const std::string text = WithoutComments(schema_text);
  const std::string_view s = text;
  for (size_t i = 0; i < s.size();) {
    SkipSpace(s, i);
    if (i >= s.size()) break;
    if (!std::isalpha(static_cast<unsigned char>(s[i]))) {
      const size_t at = i;
      if (s[i] != '"' || !String(s, i)) i = at + 1;  // a string may hold "datasource"
      continue;
    }
    const std::string keyword = Word(s, i);
    if (keyword != "datasource") continue;
    SkipSpace(s, i);
    Word(s, i);  // the datasource's name
    SkipSpace(s, i);
    if (i >= s.size() || s[i] != '{') continue;
    ++i;
    Datasource ds;
    while (i < s.size()) {
      SkipSpace(s, i);
      if (i >= s.size() || s[i] == '}') break;
      const std::string key = Word(s, i);
      SkipSpace(s, i);
      if (key.empty() || i >= s.size() || s[i] != '=') {
        // Not `key = value`: skip the line.
        while (i < s.size() && s[i] != '\n' && s[i] != '}') ++i;
        continue;
      }
      ++i;
      std::optional<DatasourceValue> v = Value(s, i);
      if (key == "url") ds.url = v;
      if (key == "directUrl") ds.direct_url = v;
      while (i < s.size() && s[i] != '\n' && s[i] != '}') ++i;
    }
    return ds;
  }
  return std::nullopt;
}

std::optional<fs::path> FindPrismaSchema(const fs::path& migrations_dir, const fs::path& cwd) {
  std::vector<fs::path> candidates;
  if (!migrations_dir.empty()) {
    const fs::path dir = fs::absolute(migrations_dir).lexically_normal();
    candidates.push_back(dir.parent_path() / "schema.prisma");
    // Given a project root or its prisma/ folder instead.
    candidates.push_back(dir / "prisma" / "schema.prisma");
    candidates.push_back(dir / "schema.prisma");
  }
  candidates.push_back(cwd / "prisma" / "schema.prisma");
  candidates.push_back(cwd / "schema.prisma");
  for (const fs::path& p : candidates) {
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) return p;
  }
  return std::nullopt;
}

Result<std::optional<MigrationUrl>> FindMigrationUrl(const fs::path& migrations_dir,
                                                     const std::vector<fs::path>& env_places,
                                                     const EnvLookup& getenv,
                                                     const ConfiguredDatasource* configured) {
  std::optional<Datasource> ds;
  std::string schema_name;
  if (configured != nullptr) {
    ds = configured->datasource;
    schema_name = configured->file;
  } else if (std::optional<fs::path> schema =
                 FindPrismaSchema(migrations_dir, fs::current_path())) {
    std::ifstream in(*schema, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) return Status::Error(schema->string() + ": error: cannot read it");
    ds = ParseDatasource(text.str());
    schema_name = schema->string();
  }
  const bool direct = ds && ds->direct_url;
  std::optional<DatasourceValue> value = direct ? ds->direct_url : ds ? ds->url : std::nullopt;
  const std::string role = direct ? "directUrl" : "url";
  if (value && !value->literal.empty()) {
    return std::optional<MigrationUrl>(MigrationUrl{value->literal, role + " of " + schema_name});
  }
  const std::string name = value ? value->env_name : "DATABASE_URL";
  if (env_places.empty()) {
    const std::optional<std::string> v =
        getenv ? getenv(name)
               : (std::getenv(name.c_str()) ? std::optional<std::string>(std::getenv(name.c_str()))
                                            : std::nullopt);
    if (v && !v->empty()) {
      std::string source = name;
      if (value) source += " (" + role + " of " + schema_name + ")";
      return std::optional<MigrationUrl>(MigrationUrl{*v, source + " from the environment"});
    }
  }
  for (const fs::path& place : env_places) {
    Result<std::optional<FoundVariable>> found = FindEnvVariable(place, name, getenv);
    if (!found.ok()) return found.status();
    if (*found && (*found)->unterminated_quote) {
      // dotenv keeps the quote as part of the value; "not a postgresql:// URL" would hide why.
      return Status::Error((*found)->source + ":" + std::to_string((*found)->line) +
                           ": error: the value of " + name +
                           " opens a quote that is never closed: close it on the same line");
    }
    if (*found) {
      std::string source = name;
      if (value) source += " (" + role + " of " + schema_name + ")";
      source += " from " + (*found)->source;
      return std::optional<MigrationUrl>(MigrationUrl{(*found)->value, source});
    }
  }
  if (direct) {
    return Status::Error(schema_name + ": error: directUrl = env(\"" + name + "\"), but " + name +
                         " is not set (environment or .env); Prisma fails the same way");
  }
  return std::optional<MigrationUrl>();
}

}  // namespace lockstep::db
