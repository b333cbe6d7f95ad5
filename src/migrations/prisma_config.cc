#include "migrations/prisma_config.h"

#include <cctype>
#include <fstream>
#include <sstream>

#include "base/printable.h"
#include "base/source.h"

namespace lockstep::migrations {
namespace fs = std::filesystem;
namespace {

constexpr const char* kExtensions[] = {"ts", "mts", "cts", "js", "mjs", "cjs"};
// A computed expression quoted in a message: enough to recognise it, one line.
constexpr size_t kMaxQuoted = 60;

bool IsIdentStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}
bool IsIdent(char c) { return IsIdentStart(c) || std::isdigit(static_cast<unsigned char>(c)); }

// A recursive-descent reader over the file's text. Errors are kept in `error_` (the first one)
// and make every later step a no-op, so the parsing code reads straight.
class Reader {
 public:
  Reader(const fs::path& path, std::string_view text)
      : file_(path.string(), std::string(text)), s_(file_.text()) {}

  Result<PrismaConfig> Read(const fs::path& path) {
    PrismaConfig config;
    config.path = path;
    const std::optional<size_t> object = FindConfigObject();
    if (!error_.ok()) return error_;
    if (!object) {
      return Status::Error(
          "no configuration object: expected `export default defineConfig({ … })` or "
          "`export default { … }` (lockstep reads prisma.config.ts without running it; pass the "
          "migrations directory as PATH and the database with --database instead)",
          file_.Where(0));
    }
    i_ = *object;
    Object("", config);
    if (!error_.ok()) return error_;
    return config;
  }

 private:
  void Fail(const std::string& message, size_t at) {
    if (error_.ok()) error_ = Status::Error(message, file_.Where(at));
  }
  bool AtEnd() const { return i_ >= s_.size(); }
  char Peek(size_t ahead = 0) const { return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0'; }

  // Whitespace and comments.
  void Skip() {
    while (!AtEnd() && error_.ok()) {
      if (std::isspace(static_cast<unsigned char>(Peek()))) {
        ++i_;
      } else if (Peek() == '/' && Peek(1) == '/') {
        while (!AtEnd() && Peek() != '\n') ++i_;
      } else if (Peek() == '/' && Peek(1) == '*') {
        const size_t at = i_;
        const size_t end = s_.find("*/", i_ + 2);
        if (end == std::string_view::npos) return Fail("unterminated /* comment", at);
        i_ = end + 2;
      } else {
        return;
      }
    }
  }

  std::string Identifier() {
    const size_t start = i_;
    if (!IsIdentStart(Peek())) return "";
    while (IsIdent(Peek())) ++i_;
    return std::string(s_.substr(start, i_ - start));
  }

  // A '…' or "…" string at i_ (JavaScript's escapes for what matters here: \n, \t, \\, \', \",
  // \xNN and \uNNNN below 0x80; others keep the escaped character).
  std::optional<std::string> QuotedString() {
    const char quote = Peek();
    if (quote != '"' && quote != '\'') return std::nullopt;
    const size_t at = i_;
    std::string out;
    for (++i_; !AtEnd() && Peek() != quote; ++i_) {
      if (Peek() == '\n') break;
      if (Peek() != '\\') {
        out += Peek();
        continue;
      }
      ++i_;
      const char c = Peek();
      if (c == 'n') {
        out += '\n';
      } else if (c == 't') {
        out += '\t';
      } else if ((c == 'x' || c == 'u') && i_ + (c == 'x' ? 2 : 4) < s_.size()) {
        const size_t digits = c == 'x' ? 2 : 4;
        const std::string hex(s_.substr(i_ + 1, digits));
        const unsigned long v = std::strtoul(hex.c_str(), nullptr, 16);
        if (v < 0x80) {
          out += static_cast<char>(v);
          i_ += digits;
        } else {
          out += c;
        }
      } else {
        out += c;
      }
    }
    if (AtEnd() || Peek() != quote) {
      Fail("unterminated string", at);
      return std::nullopt;
    }
    ++i_;
    return out;
  }

  // A `…` template at i_: its text when it has no ${…}, else nullopt (i_ after it either way).
  std::optional<std::string> Template() {
    const size_t at = i_;
    std::string out;
    bool substitution = false;
    for (++i_; !AtEnd() && Peek() != '`'; ++i_) {
      if (Peek() == '\\') {
        ++i_;
      } else if (Peek() == '$' && Peek(1) == '{') {
        substitution = true;
        i_ += 2;
        SkipBalanced('}');
        if (!error_.ok()) return std::nullopt;
        continue;
      }
      if (!AtEnd()) out += Peek();
    }
    if (AtEnd()) {
      Fail("unterminated template string", at);
      return std::nullopt;
    }
    ++i_;
    if (substitution) return std::nullopt;
    return out;
  }

  // Skips to the `close` that matches an opener already consumed, over nested brackets, strings,
  // templates and comments; i_ ends after `close`.
  void SkipBalanced(char close) {
    const size_t at = i_;
    while (error_.ok()) {
      Skip();
      if (AtEnd()) return Fail(std::string("no closing '") + close + "'", at);
      const char c = Peek();
      if (c == close) {
        ++i_;
        return;
      }
      SkipToken();
    }
  }

  // One token or bracketed group.
  void SkipToken() {
    const char c = Peek();
    if (c == '"' || c == '\'') {
      QuotedString();
    } else if (c == '`') {
      Template();
    } else if (c == '(') {
      ++i_;
      SkipBalanced(')');
    } else if (c == '[') {
      ++i_;
      SkipBalanced(']');
    } else if (c == '{') {
      ++i_;
      SkipBalanced('}');
    } else if (c == ')' || c == ']' || c == '}') {
      Fail(std::string("unbalanced '") + c + "'", i_);
    } else if (IsIdent(c)) {
      while (IsIdent(Peek())) ++i_;
    } else {
      ++i_;
    }
  }

  // An expression up to the ',' or '}' that ends it (not consumed).
  void SkipExpression() {
    while (error_.ok()) {
      Skip();
      if (AtEnd() || Peek() == ',' || Peek() == '}') return;
      SkipToken();
    }
  }

  // Where the configuration object literal starts: the `{` of `defineConfig({` or of
  // `export default {`. Scans tokens so that the words inside strings and comments do not count.
  std::optional<size_t> FindConfigObject() {
    std::optional<size_t> export_default;
    std::string previous;
    while (error_.ok()) {
      Skip();
      if (AtEnd()) break;
      if (IsIdentStart(Peek())) {
        const std::string word = Identifier();
        Skip();
        if (word == "defineConfig" && Peek() == '(') {
          ++i_;
          Skip();
          if (Peek() == '{') return i_;
        } else if (word == "default" && previous == "export" && Peek() == '{') {
          export_default = i_;
        }
        previous = word;
        continue;
      }
      previous.clear();
      const char c = Peek();
      if (c == '"' || c == '\'' || c == '`') {
        SkipToken();
      } else {
        ++i_;  // brackets are not balanced here: the object may sit inside any of them
      }
    }
    return export_default;
  }

  // The object literal at i_ (a '{'); `prefix` is its key path ("", "migrations.", …).
  void Object(const std::string& prefix, PrismaConfig& config) {
    ++i_;  // '{'
    while (error_.ok()) {
      Skip();
      if (AtEnd()) return Fail("the configuration object is not closed", i_);
      if (Peek() == '}') {
        ++i_;
        return;
      }
      if (Peek() == ',') {
        ++i_;
        continue;
      }
      if (Peek() == '.' && Peek(1) == '.' && Peek(2) == '.') {  // a spread: nothing to read
        i_ += 3;
        SkipExpression();
        continue;
      }
      std::string key;
      if (Peek() == '"' || Peek() == '\'') {
        key = QuotedString().value_or("");
      } else if (Peek() == '[') {
        SkipToken();  // a computed key
      } else {
        key = Identifier();
        if (key.empty()) return Fail("expected a property name", i_);
      }
      Skip();
      if (Peek() != ':') {  // shorthand `{ url }` or a method: its value is not written here
        if (Peek() == '(') SkipToken();
        Skip();
        if (Peek() == '{') SkipToken();
        SkipExpression();
        continue;
      }
      ++i_;
      Skip();
      const std::string name = prefix + key;
      if ((name == "migrations" || name == "datasource") && Peek() == '{') {
        Object(name + ".", config);
        continue;
      }
      std::optional<ConfigValue>* slot = Slot(name, config);
      if (slot == nullptr) {
        SkipExpression();
        continue;
      }
      *slot = Value();
    }
  }

  static std::optional<ConfigValue>* Slot(const std::string& name, PrismaConfig& c) {
    if (name == "schema") return &c.schema;
    if (name == "migrations.path") return &c.migrations_path;
    if (name == "datasource.url") return &c.url;
    if (name == "datasource.directUrl") return &c.direct_url;
    if (name == "datasource.shadowDatabaseUrl") return &c.shadow_database_url;
    return nullptr;
  }

  // A value at i_, up to the ',' or '}' after it.
  ConfigValue Value() {
    ConfigValue v;
    const size_t start = i_;
    v.where = file_.Where(start);
    if (std::optional<ConfigValue> simple = SimpleValue()) {
      Skip();
      if (AtEnd() || Peek() == ',' || Peek() == '}') {
        simple->where = v.where;
        return *simple;
      }
    }
    if (!error_.ok()) return v;
    i_ = start;
    SkipExpression();
    v.form = ConfigValue::Form::kComputed;
    std::string text;
    for (char c : s_.substr(start, i_ - start)) {
      if (std::isspace(static_cast<unsigned char>(c))) {
        if (!text.empty() && text.back() != ' ') text += ' ';
      } else {
        text += c;
      }
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    if (text.size() > kMaxQuoted) text = text.substr(0, kMaxQuoted) + "…";
    v.source = EscapeControl(text);
    return v;
  }

  // A literal, env("NAME") or process.env.NAME at i_, or nullopt (i_ anywhere).
  std::optional<ConfigValue> SimpleValue() {
    ConfigValue v;
    if (Peek() == '"' || Peek() == '\'') {
      std::optional<std::string> s = QuotedString();
      if (!s) return std::nullopt;
      v.literal = *s;
      return v;
    }
    if (Peek() == '`') {
      std::optional<std::string> s = Template();
      if (!s) return std::nullopt;
      v.literal = *s;
      return v;
    }
    const std::string word = Identifier();
    Skip();
    if (word == "env") {
      if (Peek() == '<') {  // env<Env>("NAME"): a type argument
        while (!AtEnd() && Peek() != '>') ++i_;
        ++i_;
        Skip();
      }
      if (Peek() != '(') return std::nullopt;
      ++i_;
      Skip();
      std::optional<std::string> name = Peek() == '`' ? Template() : QuotedString();
      Skip();
      if (!name || Peek() != ')') return std::nullopt;
      ++i_;
      v.form = ConfigValue::Form::kEnv;
      v.env_name = *name;
      return v;
    }
    if (word == "process") {
      if (Peek() != '.') return std::nullopt;
      ++i_;
      Skip();
      if (Identifier() != "env") return std::nullopt;
      Skip();
      std::string name;
      if (Peek() == '.') {
        ++i_;
        Skip();
        name = Identifier();
      } else if (Peek() == '[') {
        ++i_;
        Skip();
        name = QuotedString().value_or("");
        Skip();
        if (Peek() != ']') return std::nullopt;
        ++i_;
      }
      if (name.empty()) return std::nullopt;
      v.form = ConfigValue::Form::kEnv;
      v.env_name = name;
      return v;
    }
    return std::nullopt;
  }

  const SourceFile file_;
  const std::string_view s_;
  size_t i_ = 0;
  Status error_;
};

}  // namespace

std::optional<fs::path> FindPrismaConfig(const fs::path& dir) {
  for (const char* prefix : {"prisma.config.", ".config/prisma."}) {
    for (const char* ext : kExtensions) {
      const fs::path p = dir / (std::string(prefix) + ext);
      std::error_code ec;
      if (fs::is_regular_file(p, ec)) return p;
    }
  }
  return std::nullopt;
}

Result<PrismaConfig> ParsePrismaConfig(const fs::path& path, std::string_view text) {
  return Reader(path, text).Read(path);
}

Result<PrismaConfig> ReadPrismaConfig(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error("cannot read the Prisma config file", EscapeControl(path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    return Status::Error("cannot read the Prisma config file", EscapeControl(path.string()));
  return ParsePrismaConfig(path, text.str());
}

Status ComputedValueError(const ConfigValue& value, std::string_view option,
                          std::string_view instead) {
  return Status::Error(std::string(option) + " is computed (" + value.source +
                           "), which lockstep cannot evaluate (it reads string literals, "
                           "env(\"NAME\") and process.env.NAME): " +
                           std::string(instead),
                       value.where);
}

Result<fs::path> ConfigPath(const PrismaConfig& config, const ConfigValue& value,
                            std::string_view option, std::string_view instead) {
  if (value.form == ConfigValue::Form::kComputed) return ComputedValueError(value, option, instead);
  if (value.form == ConfigValue::Form::kEnv) {
    return Status::Error(std::string(option) + " = env(\"" + value.env_name +
                             "\"): a path from the environment is not read; " +
                             std::string(instead),
                         value.where);
  }
  const fs::path p(value.literal);
  return p.is_absolute() ? p : config.path.parent_path() / p;
}

Result<std::optional<fs::path>> ConfigMigrationsDirectory(const PrismaConfig& config) {
  if (config.migrations_path) {
    Result<fs::path> p = ConfigPath(config, *config.migrations_path, "migrations.path",
                                    "pass the migrations directory as PATH");
    if (!p.ok()) return p.status();
    return std::optional<fs::path>(*p);
  }
  if (config.schema) {
    Result<fs::path> p =
        ConfigPath(config, *config.schema, "schema", "pass the migrations directory as PATH");
    if (!p.ok()) return p.status();
    std::error_code ec;
    const fs::path dir = fs::is_directory(*p, ec) ? *p : p->parent_path();
    return std::optional<fs::path>(dir / "migrations");
  }
  return std::optional<fs::path>();
}

}  // namespace lockstep::migrations
