#include "plan/plan.h"

#include <fmt/format.h>

#include <algorithm>

namespace lockstep::plan {

std::string Excerpt(std::string_view text, size_t max_chars) {
  std::string out;
  bool space = false;
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if ((c & 0xC0) != 0x80 && chars + (space ? 1 : 0) >= max_chars) {
      out += "…";
      return out;
    }
    if (space) {
      out += ' ';
      ++chars;
      space = false;
    }
    if ((c & 0xC0) != 0x80) {
      if (chars >= max_chars) {
        out += "…";
        return out;
      }
      ++chars;
    }
    out += static_cast<char>(c);
  }
  return out;
}

namespace {

// Adds the transactional locks of `m` to `held`, keeping the strongest mode per relation.
void HoldLocksOf(const analysis::AnalyzedMigration& m, std::vector<locks::RelationLock>& held) {
  for (const analysis::AnalyzedStatement& as : m.statements) {
    if (!as.effect.transactional) continue;
    for (const locks::RelationLock& l : as.effect.locks) {
      if (l.mode == locks::LockMode::kNone) continue;
      auto it = std::find_if(held.begin(), held.end(), [&](const locks::RelationLock& h) {
        return h.relation == l.relation && h.is_index == l.is_index;
      });
      if (it == held.end()) {
        held.push_back(l);
      } else if (l.mode > it->mode) {
        it->mode = l.mode;
      }
    }
  }
}

}  // namespace

std::vector<Entry> FromHistory(const analysis::History& h) {
  std::vector<Entry> out;
  // Locks of the earlier migrations in the current shared transaction (a Prisma 8 run, which
  // wraps its packages in one BEGIN … COMMIT that lockstep writes around the whole run).
  std::vector<locks::RelationLock> run_held;
  for (const analysis::AnalyzedMigration& m : h.migrations) {
    if (!m.analyzed) continue;
    if (!m.continues_transaction) run_held.clear();
    for (const analysis::AnalyzedStatement& as : m.statements) {
      const sql::Statement& s = *as.statement;
      Entry e;
      e.file = m.source.path();
      e.migration = m.name;
      const Position p = m.source.PositionOf(s.begin);
      e.line = p.line;
      e.column = p.column;
      e.byte_begin = s.begin;
      e.byte_end = s.end;
      e.statement = Excerpt(sql::StatementText(m.source.text(), s));
      e.kind = std::string(sql::KindName(s.kind));
      e.locks = as.effect.locks;
      e.rewrites = as.effect.rewrites;
      e.scans = as.effect.scans;
      e.transactional = as.effect.transactional;
      e.new_table = as.effect.new_table;
      e.fails_if_rows = as.effect.fails_if_rows;
      e.notes = as.effect.notes;
      e.held_from_earlier_migrations = run_held;
      out.push_back(std::move(e));
    }
    HoldLocksOf(m, run_held);
  }
  return out;
}

namespace {

struct Style {
  bool on;
  std::string operator()(std::string_view code, std::string_view s) const {
    return on ? fmt::format("\x1b[{}m{}\x1b[0m", code, s) : std::string(s);
  }
};

// "0.4 s", "12 s", "3.5 min": enough digits to compare, no false precision.
std::string Seconds(double s) {
  if (s < 0.05) return "< 0.1 s";
  if (s < 10) return fmt::format("{:.1f} s", s);
  if (s < 120) return fmt::format("{:.0f} s", s);
  if (s < 7200) return fmt::format("{:.1f} min", s / 60);
  return fmt::format("{:.1f} h", s / 3600);
}

std::string Bytes(int64_t b) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  double v = static_cast<double>(b);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  return u == 0 ? fmt::format("{} B", b) : fmt::format("{:.1f} {}", v, units[u]);
}

std::string Names(const std::vector<sql::QName>& v) {
  std::string out;
  for (const auto& q : v) out += (out.empty() ? "" : ", ") + q.ToString();
  return out;
}

// Renders the entries one at a time, so that a long plan can be printed as it is rendered
// instead of held whole: the current file and the count of blocking statements carry over.
class TextRenderer {
 public:
  explicit TextRenderer(bool color) : st_{color} {}
  void Add(const Entry& e, std::string& out);
  void End(size_t entries, std::string& out) const;

 private:
  Style st_;
  std::string file_;
  int blocking_ = 0;
};

void TextRenderer::Add(const Entry& e, std::string& out) {
  if (e.file != file_) {
    file_ = e.file;
    out += "\n" + st_("1", file_) + "\n";
    // Said once per file: every statement of it runs while these are held.
    if (!e.held_from_earlier_migrations.empty())
      out +=
          "  " + st_("2", "still held from earlier packages of this run, until it commits:") + "\n";
    for (const locks::RelationLock& l : e.held_from_earlier_migrations) {
      std::string line = fmt::format("{} on {}{}", locks::LockModeName(l.mode),
                                     l.is_index ? "index " : "", l.relation.ToString());
      const std::string what(locks::BlocksTraffic(l.mode));
      if (l.origin != schema::Origin::kThisMigration && !what.empty()) {
        out += "         " + st_("31", line + " — blocks " + what) + "\n";
      } else {
        if (l.origin == schema::Origin::kThisMigration) line += " (created in this run)";
        out += "         " + st_("2", line) + "\n";
      }
    }
  }
  out += fmt::format("  {:>4}:{:<3} {}\n", e.line, e.column, e.statement);
  bool blocks_live = false;
  for (const locks::RelationLock& l : e.locks) {
    const bool live = l.origin != schema::Origin::kThisMigration;
    std::string what(locks::BlocksTraffic(l.mode));
    std::string where;
    switch (l.origin) {
      case schema::Origin::kExisting:
        where = "existing";
        break;
      case schema::Origin::kThisMigration:
        where = "created in this migration";
        break;
      case schema::Origin::kUnknown:
        where = "not in the history";
        break;
    }
    std::string line = fmt::format("{} on {}{} ({})", locks::LockModeName(l.mode),
                                   l.is_index ? "index " : "", l.relation.ToString(), where);
    if (!what.empty() && live) {
      line += " — blocks " + what;
      blocks_live = true;
      out += "         " + st_("31", line) + "\n";
    } else {
      out += "         " + st_("2", line) + "\n";
    }
  }
  if (!e.rewrites.empty()) out += "         " + st_("33", "rewrites " + Names(e.rewrites)) + "\n";
  if (!e.scans.empty()) out += "         " + st_("33", "scans " + Names(e.scans)) + "\n";
  if (!e.transactional)
    out += "         " + st_("36", "must run outside a transaction block") + "\n";
  if (e.fails_if_rows) out += "         " + st_("31", "fails if the table has rows") + "\n";
  for (const std::string& n : e.notes) {
    if (n == "cannot run inside a transaction block") continue;
    out += "         " + st_("2", "· " + n) + "\n";
  }
  for (const TableSize& t : e.tables)
    out += "         " +
           st_("2", fmt::format("{}: {} rows, {}", t.relation.ToString(), t.rows, Bytes(t.bytes))) +
           "\n";
  if (e.with_statistics && !e.estimate)
    out += "         " + st_("2", "estimate: unknown (a table it works on is not on the target)") +
           "\n";
  if (e.estimate) {
    std::string line = "estimate: " + Seconds(e.estimate->seconds);
    if (e.estimate->blocking_seconds > 0)
      line += ", blocks traffic for " + Seconds(e.estimate->blocking_seconds);
    else
      line += ", blocks no traffic";
    out += "         " + st_(e.estimate->blocking_seconds >= 1 ? "31" : "2", line) + "\n";
  }
  if (e.fix) {
    out += "         " +
           st_(e.fix->fixable ? "32" : "31",
               (e.fix->fixable ? "· lockstep fix: " : "· lockstep fix leaves it unchanged: ") +
                   e.fix->how) +
           "\n";
    for (const std::string& c : e.fix->contract)
      out += "         " +
             st_("32", "· contract phase, held in " + e.fix->contract_directory +
                           "/ until `lockstep contract release`: drops " + c) +
             "\n";
  }
  if (blocks_live) ++blocking_;
}

void TextRenderer::End(size_t entries, std::string& out) const {
  out += fmt::format("\n{} statement{}, {} block{} application traffic on live tables\n", entries,
                     entries == 1 ? "" : "s", blocking_, blocking_ == 1 ? "s" : "");
}

}  // namespace

std::string RenderText(const std::vector<Entry>& entries, bool color) {
  TextRenderer r(color);
  std::string out;
  for (const Entry& e : entries) r.Add(e, out);
  r.End(entries.size(), out);
  return out;
}

void PrintText(const std::vector<Entry>& entries, bool color, std::FILE* out) {
  TextRenderer r(color);
  std::string text;
  for (const Entry& e : entries) {
    text.clear();
    r.Add(e, text);
    std::fwrite(text.data(), 1, text.size(), out);
  }
  text.clear();
  r.End(entries.size(), text);
  std::fwrite(text.data(), 1, text.size(), out);
}

namespace {

nlohmann::json EntryJson(const Entry& e) {
  auto names = [](const std::vector<sql::QName>& v) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& q : v) a.push_back(q.ToString());
    return a;
  };
  auto lock_list = [](const std::vector<locks::RelationLock>& v) {
    nlohmann::json a = nlohmann::json::array();
    for (const locks::RelationLock& l : v)
      a.push_back({{"relation", l.relation.name},
                   {"schema", l.relation.schema},
                   {"mode", locks::LockModeName(l.mode)},
                   {"is_index", l.is_index},
                   {"origin", schema::OriginName(l.origin)},
                   {"blocks", locks::BlocksTraffic(l.mode)}});
    return a;
  };
  nlohmann::json o = {{"file", e.file},
                      {"migration", e.migration},
                      {"line", e.line},
                      {"column", e.column},
                      {"byte_begin", e.byte_begin},
                      {"byte_end", e.byte_end},
                      {"statement", e.statement},
                      {"kind", e.kind},
                      {"locks", lock_list(e.locks)},
                      {"rewrites", names(e.rewrites)},
                      {"scans", names(e.scans)},
                      {"transactional", e.transactional},
                      {"new_table", e.new_table},
                      {"fails_if_rows", e.fails_if_rows},
                      {"notes", e.notes}};
  if (!e.held_from_earlier_migrations.empty())
    o["held_from_earlier_migrations"] = lock_list(e.held_from_earlier_migrations);
  if (e.with_statistics) {
    nlohmann::json tables = nlohmann::json::array();
    for (const TableSize& t : e.tables)
      tables.push_back({{"relation", t.relation.ToString()}, {"rows", t.rows}, {"bytes", t.bytes}});
    o["tables"] = tables;
    o["estimate"] = e.estimate ? nlohmann::json{{"seconds", e.estimate->seconds},
                                                {"blocking_seconds", e.estimate->blocking_seconds}}
                               : nlohmann::json(nullptr);
  }
  if (e.fix)
    o["fix"] = {{"fixable", e.fix->fixable},
                {"how", e.fix->how},
                {"contract", e.fix->contract},
                {"contract_directory", e.fix->contract_directory}};
  return o;
}

}  // namespace

nlohmann::json ToJson(const std::vector<Entry>& entries) {
  nlohmann::json arr = nlohmann::json::array();
  for (const Entry& e : entries) arr.push_back(EntryJson(e));
  return arr;
}

void PrintJson(const std::vector<Entry>& entries, std::FILE* out) {
  if (entries.empty()) {
    std::fputs("[]\n", out);
    return;
  }
  // As ToJson(entries).dump(2), one entry at a time: each is an element of the array, two spaces
  // deeper than it would be alone (its strings are escaped: a newline is always indentation).
  std::fputs("[\n", out);
  for (size_t i = 0; i < entries.size(); ++i) {
    std::string text = "  " + EntryJson(entries[i]).dump(2);
    for (size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at + 3))
      text.replace(at, 1, "\n  ");
    text += i + 1 < entries.size() ? ",\n" : "\n";
    std::fwrite(text.data(), 1, text.size(), out);
  }
  std::fputs("]\n", out);
}

}  // namespace lockstep::plan
