#include "migrations/prisma8.h"

#include <map>
#include <nlohmann/json.hpp>

#include "base/printable.h"
#include "base/source.h"

namespace lockstep::migrations {
namespace {

using Json = nlohmann::ordered_json;

// A string token of the JSON text: the offsets of its opening and closing quotes.
struct Span {
  size_t open = 0;
  size_t close = 0;
};

// Every string token (keys and values) in text order. Only called on valid JSON, where a quote
// outside a string always opens one.
std::vector<Span> StringSpans(std::string_view text) {
  std::vector<Span> out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '"') continue;
    Span s;
    s.open = i;
    for (++i; i < text.size() && text[i] != '"'; ++i) {
      if (text[i] == '\\') ++i;
    }
    s.close = i;
    out.push_back(s);
  }
  return out;
}

// Numbers each string node of `j` (keys counted too, as they come in the text) with its token
// index: ordered_json keeps the text's order, so the k-th string met is the k-th token.
void Number(const Json& j, size_t& k, std::map<const Json*, size_t>& index) {
  if (j.is_string()) {
    index[&j] = k++;
  } else if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      ++k;  // the key
      Number(it.value(), k, index);
    }
  } else if (j.is_array()) {
    for (const Json& e : j) Number(e, k, index);
  }
}

void AppendUtf8(std::string& out, unsigned long cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The decoded contents of a valid JSON string token (without its quotes). Never longer than
// the token's text: every escape is at least as long as what it stands for.
std::string Decode(std::string_view raw) {
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\') {
      out += raw[i];
      continue;
    }
    const char c = raw[++i];
    switch (c) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'u': {
        unsigned long cp = std::stoul(std::string(raw.substr(i + 1, 4)), nullptr, 16);
        i += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && i + 6 < raw.size() && raw.substr(i + 1, 2) == "\\u") {
          const unsigned long low = std::stoul(std::string(raw.substr(i + 3, 4)), nullptr, 16);
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          i += 6;
        }
        AppendUtf8(out, cp);
        break;
      }
      default:  // \" \\ \/
        out += c;
    }
  }
  return out;
}

// Writes `word` into a run of blank, non-newline bytes of `text` within [from, to); its offset,
// or npos when there is no run long enough.
size_t WriteIntoBlank(std::string& text, size_t from, size_t to, std::string_view word) {
  size_t run = 0;
  for (size_t i = from; i < to && i < text.size(); ++i) {
    run = text[i] == ' ' ? run + 1 : 0;
    if (run == word.size()) {
      text.replace(i + 1 - run, run, word);
      return i + 1 - run;
    }
  }
  return std::string::npos;
}

constexpr std::string_view kBegin = "BEGIN;";
constexpr std::string_view kCommit = "COMMIT;";

// "path:line:col: not valid JSON: …" for a parse error of `file`'s text.
Status ParseError(const SourceFile& file, const Json::parse_error& e) {
  std::string what = e.what();
  // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error …": keep
  // the reason, the position is given as path:line:col.
  if (size_t colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
  const size_t at = e.byte > 0 ? e.byte - 1 : 0;
  return Status::Error("not valid JSON: " + EscapeControl(what), file.Where(at));
}

}  // namespace

Result<Prisma8Package> ReadOpsJson(const std::string& path, std::string_view text) {
  const SourceFile file(path, std::string(text));
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const Json::parse_error& e) {
    return ParseError(file, e);
  }
  const Json* operations = &doc;
  if (doc.is_object() && doc.contains("operations")) operations = &doc["operations"];
  if (!operations->is_array()) {
    return Status::Error(
        "expected a list of operations (an array, or an object with an \"operations\" array)",
        file.Where(0));
  }
  const std::vector<Span> spans = StringSpans(text);
  std::map<const Json*, size_t> index;
  size_t count = 0;
  Number(doc, count, index);
  if (count != spans.size()) {
    return Status::Error("a key appears twice in one object: Prisma would read only the last",
                         file.Where(0));
  }
  auto where = [&](const Json& node) {
    auto it = index.find(&node);
    return file.Where(it == index.end() ? 0 : spans[it->second].open);
  };

  Prisma8Package out;
  out.sql = std::string(text);
  for (char& c : out.sql)
    if (c != '\n') c = ' ';
  size_t first_sql = std::string::npos;
  size_t last_end = 0;
  for (size_t n = 0; n < operations->size(); ++n) {
    const Json& op = (*operations)[n];
    const std::string ordinal = "operation " + std::to_string(n + 1);
    if (!op.is_object() || !op.contains("id") || !op["id"].is_string()) {
      return Status::Error(ordinal + " has no string \"id\"",
                           op.is_object() && op.contains("id") ? where(op["id"]) : file.Where(0));
    }
    Prisma8Operation o;
    o.id = op["id"].get<std::string>();
    if (op.contains("label") && op["label"].is_string()) o.label = op["label"].get<std::string>();
    if (op.contains("operationClass") && op["operationClass"].is_string())
      o.operation_class = op["operationClass"].get<std::string>();
    const std::string named = "operation \"" + EscapeControl(o.id) + "\"";
    if (op.contains("execute") && !op["execute"].is_array())
      return Status::Error(named + ": \"execute\" is not a list", where(op["id"]));
    bool any = false;
    if (op.contains("execute")) {
      for (size_t k = 0; k < op["execute"].size(); ++k) {
        const Json& step = op["execute"][k];
        if (!step.is_object() || !step.contains("sql") || !step["sql"].is_string()) {
          return Status::Error(
              named + ": execute step " + std::to_string(k + 1) + " has no string \"sql\"",
              where(op["id"]));
        }
        const Span& span = spans[index.at(&step["sql"])];
        std::string sql = Decode(text.substr(span.open + 1, span.close - span.open - 1));
        for (char& c : sql)
          if (c == '\n') c = '\r';
        out.sql.replace(span.open + 1, sql.size(), sql);
        out.sql[span.close] = ';';
        if (!any) o.begin = span.open + 1;
        any = true;
        o.end = span.close + 1;
        if (first_sql == std::string::npos) first_sql = span.open;
        last_end = span.close + 1;
      }
    }
    if (!any) o.begin = o.end = last_end;
    out.operations.push_back(std::move(o));
  }
  if (first_sql != std::string::npos) {
    // The key `"sql":` before the first string leaves six blank bytes before it; only a key
    // split from its colon by a newline leaves fewer, and then BEGIN goes first, shifting the
    // positions of that first line.
    out.wrapping.begin_at = WriteIntoBlank(out.sql, 0, first_sql + 1, kBegin);
    if (out.wrapping.begin_at == std::string::npos) {
      out.sql.insert(0, kBegin);
      out.wrapping.begin_at = 0;
      last_end += kBegin.size();
    }
    out.wrapping.commit_at = WriteIntoBlank(out.sql, last_end, out.sql.size(), kCommit);
    if (out.wrapping.commit_at == std::string::npos) {
      out.wrapping.commit_at = out.sql.size();
      out.sql += kCommit;
    }
  }
  return out;
}

void PlaceInRun(std::string& sql, const Prisma8Wrapping& wrapping, bool first_of_run,
                bool last_of_run) {
  auto blank = [&](size_t at, std::string_view word) {
    if (at != std::string::npos && sql.compare(at, word.size(), word) == 0)
      sql.replace(at, word.size(), std::string(word.size(), ' '));
  };
  if (!first_of_run) blank(wrapping.begin_at, kBegin);
  if (!last_of_run) blank(wrapping.commit_at, kCommit);
}

Result<std::optional<std::string>> ReadManifestTo(const std::string& path, std::string_view text) {
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const Json::parse_error& e) {
    return ParseError(SourceFile(path, std::string(text)), e);
  }
  if (!doc.is_object())
    return Status::Error("expected a JSON object (a package manifest)",
                         SourceFile(path, std::string(text)).Where(0));
  if (!doc.contains("to") || !doc["to"].is_string()) return std::optional<std::string>();
  return std::optional<std::string>(doc["to"].get<std::string>());
}

const Prisma8Operation* OperationAt(const std::vector<Prisma8Operation>& operations,
                                    size_t offset) {
  for (const Prisma8Operation& o : operations)
    if (o.begin <= offset && offset < o.end) return &o;
  return nullptr;
}

}  // namespace lockstep::migrations
