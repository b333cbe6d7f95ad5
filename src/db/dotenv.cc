#include "db/dotenv.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace lockstep::db {
namespace {

bool IsKeyChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}
bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string Trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::optional<std::string> Lookup(const std::string& name, const EnvLookup& getenv,
                                  const std::vector<std::pair<std::string, std::string>>& seen) {
  if (std::optional<std::string> v = getenv(name)) return v;
  for (auto it = seen.rbegin(); it != seen.rend(); ++it) {
    if (it->first == name) return it->second;
  }
  return std::nullopt;
}

std::string Expand(std::string_view v, const EnvLookup& getenv,
                   const std::vector<std::pair<std::string, std::string>>& seen) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size() && v[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (v[i] != '$' || i + 1 >= v.size()) {
      out += v[i];
      continue;
    }
    if (v[i + 1] == '{') {
      const size_t close = v.find('}', i + 2);
      if (close == std::string_view::npos) {
        out += v[i];
        continue;
      }
      const std::string_view inner = v.substr(i + 2, close - i - 2);
      const size_t dflt = inner.find(":-");
      const std::string name(inner.substr(0, dflt));
      std::optional<std::string> value = Lookup(name, getenv, seen);
      if ((!value || value->empty()) && dflt != std::string_view::npos) {
        value = std::string(inner.substr(dflt + 2));
      }
      out += value.value_or("");
      i = close;
      continue;
    }
    size_t end = i + 1;
    while (end < v.size() && IsNameChar(v[end])) ++end;
    if (end == i + 1) {
      out += v[i];
      continue;
    }
    out += Lookup(std::string(v.substr(i + 1, end - i - 1)), getenv, seen).value_or("");
    i = end - 1;
  }
  return out;
}

}  // namespace

std::vector<DotenvEntry> ParseDotenvEntries(std::string_view text, const EnvLookup& getenv_in) {
  const EnvLookup getenv = getenv_in ? getenv_in : [](const std::string& name) {
    const char* v = std::getenv(name.c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
  };
  // Expansion looks keys defined earlier up in `seen`.
  std::vector<std::pair<std::string, std::string>> seen;
  std::vector<DotenvEntry> out;
  size_t i = 0;
  auto skip_line = [&] {
    const size_t nl = text.find('\n', i);
    i = nl == std::string_view::npos ? text.size() : nl + 1;
  };
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i >= text.size()) break;
    if (text[i] == '#') {
      skip_line();
      continue;
    }
    if (text.substr(i, 6) == "export" && i + 6 < text.size() && IsBlank(text[i + 6])) {
      i += 6;
      while (i < text.size() && IsBlank(text[i])) ++i;
    }
    const size_t key_start = i;
    const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + i, '\n'));
    while (i < text.size() && IsKeyChar(text[i])) ++i;
    const std::string key(text.substr(key_start, i - key_start));
    while (i < text.size() && IsBlank(text[i])) ++i;
    const bool equals = i < text.size() && text[i] == '=';
    const bool colon = i + 1 < text.size() && text[i] == ':' && IsBlank(text[i + 1]);
    if (key.empty() || (!equals && !colon)) {
      skip_line();
      continue;
    }
    ++i;
    while (i < text.size() && IsBlank(text[i])) ++i;

    const char q = i < text.size() ? text[i] : '\0';
    std::optional<std::string> value;
    if (q == '\'' || q == '"' || q == '`') {
      size_t j = i + 1;
      while (j < text.size() && !(text[j] == q && text[j - 1] != '\\')) ++j;
      if (j < text.size()) {
        std::string inner(text.substr(i + 1, j - i - 1));
        if (q == '"') {
          std::string unescaped;
          for (size_t k = 0; k < inner.size(); ++k) {
            if (inner[k] == '\\' && k + 1 < inner.size() &&
                (inner[k + 1] == 'n' || inner[k + 1] == 'r')) {
              unescaped += inner[k + 1] == 'n' ? '\n' : '\r';
              ++k;
            } else {
              unescaped += inner[k];
            }
          }
          inner = Expand(unescaped, getenv, seen);
        }
        value = std::move(inner);
        i = j + 1;
        skip_line();
      }
    }
    const bool unterminated = !value && (q == '\'' || q == '"' || q == '`');
    if (!value) {
      // Unquoted (or an unterminated quote, which dotenv keeps as text): up to a '#' or the end of
      // the line.
      size_t end = i;
      while (end < text.size() && text[end] != '#' && text[end] != '\n' && text[end] != '\r') ++end;
      value = Expand(Trim(text.substr(i, end - i)), getenv, seen);
      i = end;
      skip_line();
    }
    seen.emplace_back(key, *value);
    out.push_back({key, std::move(*value), line, unterminated});
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> ParseDotenv(std::string_view text,
                                                             const EnvLookup& getenv) {
  std::vector<std::pair<std::string, std::string>> out;
  for (DotenvEntry& e : ParseDotenvEntries(text, getenv))
    out.emplace_back(std::move(e.key), std::move(e.value));
  return out;
}

Result<std::optional<FoundVariable>> FindEnvVariable(const std::filesystem::path& dir,
                                                     const std::string& name,
                                                     const EnvLookup& getenv_in) {
  const EnvLookup getenv = getenv_in ? getenv_in : [](const std::string& n) {
    const char* v = std::getenv(n.c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
  };
  if (std::optional<std::string> v = getenv(name); v && !v->empty()) {
    return std::optional<FoundVariable>(FoundVariable{*v, "environment"});
  }
  for (const std::filesystem::path& file : {dir / ".env", dir / "prisma" / ".env"}) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) continue;
    if (!std::filesystem::is_regular_file(file, ec)) {
      return Status::Error("cannot read the environment file: not a regular file", file.string());
    }
    std::ifstream in(file, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.is_open() || in.bad()) {
      return Status::Error("cannot read the environment file", file.string());
    }
    std::optional<DotenvEntry> found;
    for (DotenvEntry& e : ParseDotenvEntries(text, getenv)) {
      if (e.key == name) found = std::move(e);
    }
    if (found && !found->value.empty()) {
      return std::optional<FoundVariable>(FoundVariable{std::move(found->value), file.string(),
                                                        found->line, found->unterminated_quote});
    }
  }
  return std::optional<FoundVariable>();
}

}  // namespace lockstep::db
