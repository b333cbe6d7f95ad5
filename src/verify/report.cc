#include "verify/report.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <map>

namespace lockstep::verify {
namespace {

std::string Printf(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

// 1234567 -> "1,234,567"
std::string Grouped(int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

std::string Ms(double ms) {
  if (ms >= 1000) return Printf("%.2f s", ms / 1000.0);
  if (ms >= 100) return Printf("%.0f ms", ms);
  if (ms >= 10) return Printf("%.1f ms", ms);
  return Printf("%.2f ms", ms);
}

std::string Seconds(double ms) { return Printf("%.2f s", ms / 1000.0); }

std::string Escape(const std::string& s) {  // XML text and attribute values
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

const TableStats* FindTable(const RunStats& s, const std::string& name) {
  for (const TableStats& t : s.tables)
    if (t.name == name) return &t;
  return nullptr;
}

nlohmann::json RunJson(const RunResult& r) {
  nlohmann::json j;
  j["requests"] = r.stats.requests;
  j["failed"] = r.stats.failed;
  j["latency_ms"] = {{"p50", r.stats.p50_ms}, {"p99", r.stats.p99_ms}, {"max", r.stats.max_ms}};
  j["max_stall_ms"] = r.stats.max_ms;
  j["duration_ms"] = r.end_ms;
  if (r.has_migration) {
    nlohmann::json m;
    m["ok"] = r.migration_ok;
    m["error"] = r.migration_error;
    m["start_ms"] = r.migration_start_ms;
    m["end_ms"] = r.migration_end_ms;
    m["wall_ms"] = r.migration_end_ms - r.migration_start_ms;
    m["statements"] = nlohmann::json::array();
    for (const StatementStart& s : r.statements)
      m["statements"].push_back({{"t_ms", s.t_ms}, {"sql", s.text}});
    m["lock_waits"] = nlohmann::json::array();
    for (const LockWait& w : r.lock_waits)
      m["lock_waits"].push_back({{"start_ms", w.start_ms}, {"end_ms", w.end_ms}});
    m["per_statement"] = nlohmann::json::array();
    for (const StatementCheck& c : r.checks) {
      nlohmann::json e;
      e["migration"] = c.migration;
      e["line"] = c.line;
      e["statement"] = c.statement;
      e["estimate"] = c.estimate
                          ? nlohmann::json{{"seconds", c.estimate->seconds},
                                           {"blocking_seconds", c.estimate->blocking_seconds}}
                          : nlohmann::json(nullptr);
      e["observed_ms"] = c.observed_ms ? nlohmann::json(*c.observed_ms) : nlohmann::json(nullptr);
      e["max_stall_ms"] =
          c.max_stall_ms ? nlohmann::json(*c.max_stall_ms) : nlohmann::json(nullptr);
      m["per_statement"].push_back(std::move(e));
    }
    j["migration"] = m;
  } else {
    j["migration"] = nullptr;
  }
  if (r.long_transaction)
    j["long_transaction"] = {{"start_ms", r.long_transaction->first},
                             {"end_ms", r.long_transaction->second}};
  else
    j["long_transaction"] = nullptr;
  j["tables"] = nlohmann::json::array();
  for (const TableStats& t : r.stats.tables)
    j["tables"].push_back({{"name", t.name},
                           {"reads", t.reads},
                           {"writes", t.writes},
                           {"failed", t.failed},
                           {"max_stall_ms", t.max_stall_ms},
                           {"blocked_writes_ms", t.blocked_writes_ms},
                           {"blocked_reads_ms", t.blocked_reads_ms}});
  j["errors"] = r.workload_errors;
  if (r.has_standby) {
    nlohmann::json sb;
    sb["requests"] = r.standby_stats.requests;
    sb["failed"] = r.standby_stats.failed;
    sb["latency_ms"] = {{"p50", r.standby_stats.p50_ms},
                        {"p99", r.standby_stats.p99_ms},
                        {"max", r.standby_stats.max_ms}};
    sb["max_stall_ms"] = r.standby_stats.max_ms;
    sb["max_replay_lag_ms"] = r.standby_max_lag_ms;
    if (r.standby_long_transaction)
      sb["long_transaction"] = {{"start_ms", r.standby_long_transaction->first},
                                {"end_ms", r.standby_long_transaction->second}};
    else
      sb["long_transaction"] = nullptr;
    sb["tables"] = nlohmann::json::array();
    for (const TableStats& t : r.standby_stats.tables)
      sb["tables"].push_back({{"name", t.name},
                              {"reads", t.reads},
                              {"max_stall_ms", t.max_stall_ms},
                              {"blocked_reads_ms", t.blocked_reads_ms}});
    sb["errors"] = r.standby_errors;
    j["standby"] = sb;
  } else {
    j["standby"] = nullptr;
  }
  return j;
}

}  // namespace

double StallRatio(const VerifyReport& r) {
  const double ls = r.lockstep.stats.max_ms;
  return ls > 0 ? r.naive.stats.max_ms / ls : 0;
}

bool WithinBudget(const VerifyReport& r) { return r.lockstep.stats.max_ms <= r.StallBudgetMs(); }

bool StandbyWithinBudget(const VerifyReport& r) {
  return !r.lockstep.has_standby || r.lockstep.standby_stats.max_ms <= r.StandbyStallBudgetMs();
}

std::string RenderText(const VerifyReport& r) {
  std::string out;
  auto line = [&](const std::string& s) { out += s + "\n"; };
  line("lockstep verify " + r.path);
  std::string loaded;
  for (const TableInfo& t : r.tables) loaded += (loaded.empty() ? "" : ", ") + t.name;
  line("  PostgreSQL " + r.server_version + " (" + r.server + "), " + Grouped(r.rows) +
       " rows in " + loaded + " (loaded in " + Printf("%.1f s", r.load_s) + "), " +
       std::to_string(r.clients) + " clients x " + Printf("%.0f", r.rate_per_client) + " req/s");
  std::string pending;
  for (const std::string& p : r.pending) pending += (pending.empty() ? "" : ", ") + p;
  line("  history: " + std::to_string(r.history.size()) + " migration(s); pending: " + pending);
  if (!r.lockstep_migrations.empty())
    line("  lockstep fix: " + std::to_string(r.lockstep_migrations.size()) + " migration(s), " +
         r.lockstep_migrations.front() +
         (r.lockstep_migrations.size() > 1 ? " ... " + r.lockstep_migrations.back() : ""));
  if (r.long_transaction_s > 0)
    line("  report: a read transaction on " + r.long_transaction_table + " held for " +
         Printf("%.1f s", r.long_transaction_s) + ", started before each migration");
  if (!r.replica.empty())
    line("  replica: " + r.replica + ", the same clients reading only" +
         (r.replica_long_transaction_s > 0
              ? ", and a report on " + r.long_transaction_table + " held there for " +
                    Printf("%.1f s", r.replica_long_transaction_s)
              : std::string()));
  line("");

  char buf[256];
  auto row = [&](const std::string& label, const std::string& a, const std::string& b,
                 const std::string& c) {
    std::snprintf(buf, sizeof buf, "  %-26s %14s %14s %14s", label.c_str(), a.c_str(), b.c_str(),
                  c.c_str());
    line(buf);
  };
  const RunResult* runs[] = {&r.baseline, &r.naive, &r.lockstep};
  auto each = [&](const std::string& label, auto f) {
    row(label, f(*runs[0]), f(*runs[1]), f(*runs[2]));
  };
  row("", "baseline", "naive", "lockstep");
  each("requests", [](const RunResult& x) { return Grouped(x.stats.requests); });
  each("failed requests", [](const RunResult& x) { return Grouped(x.stats.failed); });
  each("latency p50", [](const RunResult& x) { return Ms(x.stats.p50_ms); });
  each("latency p99", [](const RunResult& x) { return Ms(x.stats.p99_ms); });
  each("longest stall (max)", [](const RunResult& x) { return Ms(x.stats.max_ms); });
  each("migration wall time", [](const RunResult& x) -> std::string {
    return x.has_migration ? Seconds(x.migration_end_ms - x.migration_start_ms) : "-";
  });
  each("migration", [](const RunResult& x) -> std::string {
    return x.has_migration ? (x.migration_ok ? "applied" : "FAILED") : "none";
  });
  if (r.baseline.has_standby) {
    line("  standby");
    each("  requests", [](const RunResult& x) { return Grouped(x.standby_stats.requests); });
    each("  failed requests", [](const RunResult& x) { return Grouped(x.standby_stats.failed); });
    each("  latency p99", [](const RunResult& x) { return Ms(x.standby_stats.p99_ms); });
    each("  longest stall (max)", [](const RunResult& x) { return Ms(x.standby_stats.max_ms); });
    each("  replay lag (max)",
         [](const RunResult& x) { return Ms(static_cast<double>(x.standby_max_lag_ms)); });
  }
  for (const TableInfo& t : r.tables) {
    if (!t.workload) continue;
    line("  " + t.name);
    auto table_row = [&](const std::string& label, double TableStats::*field) {
      each(label, [&](const RunResult& x) -> std::string {
        const TableStats* ts = FindTable(x.stats, t.name);
        return ts ? Ms(ts->*field) : "-";
      });
    };
    table_row("  longest stall", &TableStats::max_stall_ms);
    table_row("  blocked for writes", &TableStats::blocked_writes_ms);
    table_row("  blocked for reads", &TableStats::blocked_reads_ms);
  }
  if (!r.naive.checks.empty() || !r.lockstep.checks.empty()) {
    line("");
    std::snprintf(buf, sizeof buf, "  %-50s %9s %9s %9s %9s", "per statement", "estimate",
                  "blocking", "observed", "stall");
    line(buf);
    for (const RunResult* x : {&r.naive, &r.lockstep}) {
      if (x->checks.empty()) continue;
      line("  " + x->name);
      std::string migration;
      for (const StatementCheck& c : x->checks) {
        if (c.migration != migration) {
          migration = c.migration;
          line("    " + migration);
        }
        std::string label = std::to_string(c.line) + ": " + c.statement;
        if (label.size() > 44) {
          size_t cut = 42;  // not inside a UTF-8 sequence (excerpts may hold "…")
          while (cut > 0 && (static_cast<unsigned char>(label[cut]) & 0xC0) == 0x80) --cut;
          label = label.substr(0, cut) + "…";
        }
        auto opt = [](const std::optional<double>& ms) { return ms ? Ms(*ms) : std::string("-"); };
        std::snprintf(buf, sizeof buf, "      %-46s %9s %9s %9s %9s", label.c_str(),
                      c.estimate ? Ms(c.estimate->seconds * 1000).c_str() : "-",
                      c.estimate ? Ms(c.estimate->blocking_seconds * 1000).c_str() : "-",
                      opt(c.observed_ms).c_str(), opt(c.max_stall_ms).c_str());
        line(buf);
      }
    }
    line(
        "  estimate = plan --database's model on the run's database just before the run "
        "(blocking: the part");
    line(
        "  that blocks reads or writes); observed = the statement's start to its end on the "
        "server, lock");
    line("  waits included; stall = the slowest request in flight meanwhile (docs/verify.md)");
  }
  line("");
  line(
      "  blocked = wall time during which a request to the table was in flight and took longer "
      "than " +
      Printf("%.0f ms", r.threshold_ms));
  for (const RunResult* x : {&r.naive, &r.lockstep})
    if (x->has_migration && !x->migration_ok)
      line("  " + x->name + " migration failed: " + x->migration_error);
  if (!r.contract.ok)
    line("  lockstep's contract phase failed: " + r.contract.error);
  else if (!r.contract.migrations.empty())
    line("  lockstep's contract phase (" + std::to_string(r.contract.migrations.size()) +
         " migration(s) held by fix) released and deployed after the workload, in " +
         Seconds(r.contract.wall_ms));
  for (const RunResult* x : runs)
    for (const std::string& e : x->workload_errors) line("  " + x->name + " request error: " + e);
  for (const std::string& n : r.notes) line("  note: " + n);
  line("  lockstep's longest stall " + Ms(r.lockstep.stats.max_ms) + " is " +
       (WithinBudget(r) ? "within" : "OVER") + " the budget of " + Ms(r.StallBudgetMs()) +
       " (baseline max " + Ms(r.baseline.stats.max_ms) + " + lock timeout " +
       std::to_string(r.lock_timeout_ms) + " ms + 50 ms)");
  line("  naive / lockstep longest stall: " + Printf("%.1fx", StallRatio(r)));
  if (r.lockstep.has_standby)
    line("  on the standby, lockstep's longest stall " + Ms(r.lockstep.standby_stats.max_ms) +
         " is " + (StandbyWithinBudget(r) ? "within" : "OVER") + " the budget of " +
         Ms(r.StandbyStallBudgetMs()) + " (standby baseline max " +
         Ms(r.baseline.standby_stats.max_ms) + " + lock timeout + 50 ms); naive's " +
         Ms(r.naive.standby_stats.max_ms) + "; replay lag naive " +
         Ms(static_cast<double>(r.naive.standby_max_lag_ms)) + ", lockstep " +
         Ms(static_cast<double>(r.lockstep.standby_max_lag_ms)));
  for (const RunResult* x : runs)
    for (const std::string& e : x->standby_errors)
      line("  " + x->name + " standby request error: " + e);
  line(std::string("  schemas after the two runs: ") +
       (r.schemas_match ? "identical" : "DIFFERENT"));
  for (const std::string& d : r.schema_differences) line("    " + d);
  if (r.schemas_match)
    line("  rows after the two runs: " +
         (r.values_match ? "identical (" + Grouped(r.rows_compared) + " rows by key)"
                         : std::string("DIFFERENT")));
  for (const std::string& d : r.value_differences) line("    " + d);
  return out;
}

nlohmann::json ToJson(const VerifyReport& r) {
  nlohmann::json j;
  j["path"] = r.path;
  j["history"] = r.history;
  j["pending"] = r.pending;
  j["lockstep_migrations"] = r.lockstep_migrations;
  j["notes"] = r.notes;
  j["server"] = {{"version", r.server_version}, {"kind", r.server}};
  j["machine"] = {{"nproc", r.nproc}, {"ram_bytes", r.ram_bytes}};
  j["settings"] = {
      {"rows", r.rows},
      {"clients", r.clients},
      {"rate_per_client", r.rate_per_client},
      {"duration_s", r.duration_s},
      {"long_transaction_s", r.long_transaction_s},
      {"long_transaction_table", r.long_transaction_table},
      {"replica", r.replica.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.replica)},
      {"replica_long_transaction_s", r.replica_long_transaction_s},
      {"lock_timeout_ms", r.lock_timeout_ms},
      {"blocked_threshold_ms", r.threshold_ms}};
  j["load_s"] = r.load_s;
  j["tables"] = nlohmann::json::array();
  for (const TableInfo& t : r.tables)
    j["tables"].push_back({{"name", t.name}, {"rows", t.rows}, {"workload", t.workload}});
  j["runs"] = {{"baseline", RunJson(r.baseline)},
               {"naive", RunJson(r.naive)},
               {"lockstep", RunJson(r.lockstep)}};
  j["summary"] = {{"baseline_max_ms", r.baseline.stats.max_ms},
                  {"naive_max_stall_ms", r.naive.stats.max_ms},
                  {"lockstep_max_stall_ms", r.lockstep.stats.max_ms},
                  {"stall_budget_ms", r.StallBudgetMs()},
                  {"lockstep_within_budget", WithinBudget(r)},
                  {"stall_ratio", StallRatio(r)},
                  {"naive_migration_ok", r.naive.migration_ok},
                  {"lockstep_migration_ok", r.lockstep.migration_ok},
                  {"naive_failed_requests", r.naive.stats.failed},
                  {"lockstep_failed_requests", r.lockstep.stats.failed},
                  {"lockstep_contract_ok", r.contract.ok},
                  {"schemas_match", r.schemas_match},
                  {"values_match", r.values_match},
                  {"rows_compared", r.rows_compared}};
  if (r.lockstep.has_standby) {
    j["summary"]["standby_baseline_max_ms"] = r.baseline.standby_stats.max_ms;
    j["summary"]["standby_naive_max_stall_ms"] = r.naive.standby_stats.max_ms;
    j["summary"]["standby_lockstep_max_stall_ms"] = r.lockstep.standby_stats.max_ms;
    j["summary"]["standby_stall_budget_ms"] = r.StandbyStallBudgetMs();
    j["summary"]["standby_lockstep_within_budget"] = StandbyWithinBudget(r);
    j["summary"]["standby_naive_max_replay_lag_ms"] = r.naive.standby_max_lag_ms;
    j["summary"]["standby_lockstep_max_replay_lag_ms"] = r.lockstep.standby_max_lag_ms;
  }
  j["contract"] = {{"migrations", r.contract.migrations},
                   {"ok", r.contract.ok},
                   {"error", r.contract.error},
                   {"wall_ms", r.contract.wall_ms}};
  j["schema_differences"] = r.schema_differences;
  j["value_differences"] = r.value_differences;
  return j;
}

namespace {

// printf onto the end of `out`, however long the result (a statement's text can be).
[[gnu::format(printf, 2, 3)]] void Appendf(std::string& out, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  va_list again;
  va_copy(again, args);
  const int n = std::vsnprintf(nullptr, 0, fmt, args);
  va_end(args);
  if (n > 0) {
    const size_t at = out.size();
    out.resize(at + static_cast<size_t>(n) + 1);
    std::vsnprintf(out.data() + at, static_cast<size_t>(n) + 1, fmt, again);
    out.resize(at + static_cast<size_t>(n));
  }
  va_end(again);
}

// The chart's geometry: two panels (naive above, lockstep below) on one time axis, latency on a
// log axis from 0.1 ms to at least a second. Below each panel: the numbered statement marks
// (+19..+28), the time axis (+41) and a legend of at most 8 statements and a "more" line from +58
// on, 12 px each: `kGap` keeps the next panel's title clear of them, and the bottom leaves room
// for the key.
struct Chart {
  static constexpr double kWidth = 1100, kLeft = 70, kRight = 20, kPanelH = 240, kTop = 92,
                          kGap = 185, kPlotW = kWidth - kLeft - kRight, kYMin = 0.1;
  double t_max = 1000;  // ms: the longer run
  double log_min = std::log10(kYMin);
  double log_max = 3;
  double height = kTop + 2 * kPanelH + kGap + 185;

  double PanelTop(int panel) const { return kTop + panel * (kPanelH + kGap); }
  double X(double ms) const { return kLeft + kPlotW * std::clamp(ms / t_max, 0.0, 1.0); }
  double Y(double panel_top, double ms) const {
    const double l = std::log10(std::max(ms, kYMin));
    return panel_top + kPanelH -
           kPanelH * std::clamp((l - log_min) / (log_max - log_min), 0.0, 1.0);
  }
};

Chart ChartOf(const VerifyReport& r) {
  Chart c;
  double y_max = 1000;  // ms: at least one second on the axis
  for (const RunResult* p : {&r.naive, &r.lockstep}) {
    c.t_max = std::max(c.t_max, p->end_ms);
    y_max = std::max(y_max, p->stats.max_ms * 1.2);
  }
  c.log_max = std::ceil(std::log10(y_max));
  return c;
}

void AddHeader(const Chart& c, const VerifyReport& r, std::string& s) {
  Appendf(s,
          "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
          "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"11\">\n",
          Chart::kWidth, c.height, Chart::kWidth, c.height);
  s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  std::string pending;
  for (const std::string& p : r.pending) pending += (pending.empty() ? "" : ", ") + p;
  const std::string left = std::to_string(static_cast<int>(Chart::kLeft));
  s += "<text x=\"" + left + "\" y=\"22\" font-size=\"15\" font-weight=\"bold\">lockstep verify " +
       Escape(r.path) + ": request latency while the pending migrations run</text>\n";
  s += "<text x=\"" + left + "\" y=\"40\" fill=\"#555\">" +
       Escape("PostgreSQL " + r.server_version + ", " + Grouped(r.rows) + " rows, " +
              std::to_string(r.clients) + " clients, pending: " + pending +
              (r.long_transaction_s > 0 ? ", report on " + r.long_transaction_table + " for " +
                                              Printf("%.1f s", r.long_transaction_s)
                                        : "") +
              ".") +
       "</text>\n";
  s += "<text x=\"" + left +
       "\" y=\"56\" fill=\"#555\">Each dot: the slowest request started in that instant "
       "(log scale); grey line: the median; both runs on one time axis.</text>\n";
}

// The panel's title, the migration's span, the report's and the lock waits' bars below it.
void AddSpans(const Chart& c, const VerifyReport& r, const RunResult& run, double y0, bool naive,
              const char* color, std::string& s) {
  Appendf(s,
          "<text x=\"%.0f\" y=\"%.0f\" font-size=\"13\" font-weight=\"bold\" "
          "fill=\"%s\">%s: longest stall %s, migration %s in %s</text>\n",
          Chart::kLeft, y0 - 8, color,
          naive ? "naive (each file one transaction, no timeouts)"
                : "lockstep (fix + deploy, lock_timeout and retries)",
          Escape(Ms(run.stats.max_ms)).c_str(), run.migration_ok ? "applied" : "FAILED",
          Seconds(run.migration_end_ms - run.migration_start_ms).c_str());
  Appendf(s,
          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#f4ecf7\">"
          "<title>migration running</title></rect>\n",
          c.X(run.migration_start_ms), y0,
          std::max(1.0, c.X(run.migration_end_ms) - c.X(run.migration_start_ms)), Chart::kPanelH);
  if (run.long_transaction) {
    Appendf(s,
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"6\" fill=\"#2471a3\">"
            "<title>the report (long read transaction on %s)</title></rect>\n",
            c.X(run.long_transaction->first), y0 + Chart::kPanelH + 2,
            std::max(1.0, c.X(run.long_transaction->second) - c.X(run.long_transaction->first)),
            Escape(r.long_transaction_table).c_str());
  }
  for (const LockWait& w : run.lock_waits) {
    Appendf(s,
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"6\" fill=\"#e67e22\">"
            "<title>migration waiting for a lock</title></rect>\n",
            c.X(w.start_ms), y0 + Chart::kPanelH + 9,
            std::max(1.0, c.X(w.end_ms) - c.X(w.start_ms)));
  }
}

// The latency grid (powers of ten), the time grid, the frame and lockstep's budget line.
void AddAxes(const Chart& c, const VerifyReport& r, double y0, std::string& s) {
  for (int e = static_cast<int>(c.log_min); e <= static_cast<int>(c.log_max); ++e) {
    const double v = std::pow(10.0, e);
    const double y = c.Y(y0, v);
    Appendf(s,
            "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
            "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#555\">%s</text>\n",
            Chart::kLeft, y, Chart::kLeft + Chart::kPlotW, y, Chart::kLeft - 4, y + 4,
            v >= 1000 ? Printf("%.0f s", v / 1000).c_str()
                      : Printf(v < 1 ? "%.1f ms" : "%.0f ms", v).c_str());
  }
  const double step_ms = c.t_max > 60000   ? 10000
                         : c.t_max > 20000 ? 5000
                         : c.t_max > 8000  ? 2000
                                           : 1000;
  for (double t = 0; t <= c.t_max; t += step_ms) {
    Appendf(s,
            "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#eee\"/>"
            "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\" fill=\"#555\">%.0f s</text>\n",
            c.X(t), y0, c.X(t), y0 + Chart::kPanelH, c.X(t), y0 + Chart::kPanelH + 41, t / 1000);
  }
  Appendf(s,
          "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" "
          "stroke=\"#888\"/>\n",
          Chart::kLeft, y0, Chart::kPlotW, Chart::kPanelH);
  // The budget line: the baseline's max + lock timeout + 50 ms.
  Appendf(s,
          "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#1e8449\" "
          "stroke-dasharray=\"6 4\"><title>budget: baseline max + lock timeout + 50 ms = "
          "%s</title></line>\n",
          Chart::kLeft, c.Y(y0, r.StallBudgetMs()), Chart::kLeft + Chart::kPlotW,
          c.Y(y0, r.StallBudgetMs()), Escape(Ms(r.StallBudgetMs())).c_str());
}

// Latency: per pixel column, the slowest request started there (a dot), and the median (a line).
void AddLatency(const Chart& c, const RunResult& run, double y0, const char* color,
                std::string& s) {
  const int columns = static_cast<int>(Chart::kPlotW / 2);
  std::vector<std::vector<double>> bucket(columns);
  for (const Request& q : run.requests) {
    const int b = static_cast<int>(static_cast<double>(q.start_us) / 1000.0 / c.t_max * columns);
    if (b >= 0 && b < columns) bucket[b].push_back(static_cast<double>(q.latency_us) / 1000.0);
  }
  // The median line breaks where no request started (a stall): it must not suggest traffic.
  std::string median, segment, dots;
  auto flush = [&] {
    if (!segment.empty())
      median +=
          "<polyline fill=\"none\" stroke=\"#999\" stroke-width=\"1\" points=\"" + segment + "\"/>";
    segment.clear();
  };
  for (int b = 0; b < columns; ++b) {
    if (bucket[b].empty()) {
      flush();
      continue;
    }
    std::sort(bucket[b].begin(), bucket[b].end());
    const double x = Chart::kLeft + (b + 0.5) * Chart::kPlotW / columns;
    segment += Printf("%.1f,", x) + Printf("%.1f ", c.Y(y0, bucket[b][bucket[b].size() / 2]));
    const double worst = bucket[b].back();
    Appendf(dots,
            "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.6\" fill=\"%s\"><title>%s at %.2f s"
            "</title></circle>",
            x, c.Y(y0, worst), color, Escape(Ms(worst)).c_str(),
            (b + 0.5) * c.t_max / columns / 1000);
  }
  flush();
  s += median + "\n" + dots + "\n";
}

// Statement starts: a tick on the time axis each, numbered; the legend lists them. Marks that
// start within a few pixels of each other (a burst of quick statements) share one label: the
// first one's number; the legend and the marks' tooltips tell them apart.
void AddStatements(const Chart& c, const RunResult& run, double y0, std::string& s) {
  const size_t shown = std::min<size_t>(run.statements.size(), 24);
  double last_label_x[2] = {-1e9, -1e9};
  for (size_t i = 0; i < run.statements.size(); ++i) {
    const StatementStart& st = run.statements[i];
    const double x = c.X(st.t_ms);
    Appendf(s,
            "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#7d3c98\" "
            "stroke-opacity=\"0.6\"><title>%.3f s: %s</title></line>\n",
            x, y0, x, y0 + Chart::kPanelH + 18, st.t_ms / 1000, Escape(st.text).c_str());
    const size_t row = i % 2;
    if (i < shown && x - last_label_x[row] >= 14 && x - last_label_x[1 - row] >= 7) {
      Appendf(s,
              "<text x=\"%.1f\" y=\"%.0f\" font-size=\"9\" fill=\"#7d3c98\" "
              "text-anchor=\"middle\">%zu</text>\n",
              x, y0 + Chart::kPanelH + 19 + 9.0 * static_cast<double>(row), i + 1);
      last_label_x[row] = x;
    }
  }
  double ly = y0 + Chart::kPanelH + 58;
  for (size_t i = 0; i < shown && i < 8; ++i) {
    const StatementStart& st = run.statements[i];
    Appendf(s,
            "<text x=\"%.0f\" y=\"%.0f\" font-size=\"10\" fill=\"#7d3c98\">%zu  %.2f s  "
            "%s</text>\n",
            Chart::kLeft, ly, i + 1, st.t_ms / 1000, Escape(st.text.substr(0, 150)).c_str());
    ly += 12;
  }
  if (run.statements.size() > 8) {
    Appendf(s,
            "<text x=\"%.0f\" y=\"%.0f\" font-size=\"10\" fill=\"#7d3c98\">… %zu more "
            "statement starts (hover the marks)</text>\n",
            Chart::kLeft, ly, run.statements.size() - 8);
  }
}

}  // namespace

std::string RenderSvg(const VerifyReport& r) {
  const Chart c = ChartOf(r);
  std::string s;
  AddHeader(c, r, s);
  const RunResult* panels[] = {&r.naive, &r.lockstep};
  for (int pi = 0; pi < 2; ++pi) {
    const RunResult& run = *panels[pi];
    const double y0 = c.PanelTop(pi);
    const char* color = pi == 0 ? "#c0392b" : "#1e8449";
    AddSpans(c, r, run, y0, pi == 0, color, s);
    AddAxes(c, r, y0, s);
    AddLatency(c, run, y0, color, s);
    AddStatements(c, run, y0, s);
  }
  Appendf(s,
          "<text x=\"%.0f\" y=\"%.0f\" fill=\"#555\">shaded: migration running; blue bar: "
          "the report; orange bar: migration waiting for a lock; purple marks: migration "
          "statements starting; dashed: lockstep's budget (%s)</text>\n",
          Chart::kLeft, c.height - 14, Escape(Ms(r.StallBudgetMs())).c_str());
  s += "</svg>\n";
  return s;
}

}  // namespace lockstep::verify
