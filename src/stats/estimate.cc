#include "stats/estimate.h"

#include <algorithm>

namespace lockstep::stats {
namespace {

using locks::RelationLock;
using sql::QName;

// The table lock of `q` in `e` when `q` is a live table (not created in this migration).
const RelationLock* LiveTable(const locks::Effect& e, const QName& q) {
  for (const RelationLock& l : e.locks)
    if (!l.is_index && l.relation == q && l.origin != schema::Origin::kThisMigration) return &l;
  return nullptr;
}

// The table lock matching `raw` as written (its schema may be left to the search path).
const RelationLock* LiveTableWritten(const locks::Effect& e, const QName& raw) {
  for (const RelationLock& l : e.locks)
    if (!l.is_index && l.relation.name == raw.name &&
        (raw.schema.empty() || l.relation.schema == raw.schema))
      return l.origin != schema::Origin::kThisMigration ? &l : nullptr;
  return nullptr;
}

bool Contains(const std::vector<QName>& v, const QName& q) {
  return std::find(v.begin(), v.end(), q) != v.end();
}

std::vector<std::string> KeyColumns(const std::vector<sql::IndexElem>& elems) {
  std::vector<std::string> out;
  for (const sql::IndexElem& el : elems) {
    if (el.column.empty()) return {};  // an expression: no plain sort key to time
    out.push_back(el.column);
  }
  return out;
}

std::vector<Work> WorkOfStatement(const analysis::AnalyzedStatement& as) {
  const sql::Statement& s = *as.statement;
  const locks::Effect& e = as.effect;
  std::vector<Work> out;
  std::vector<QName> built;  // tables whose scan is an index build's
  for (const QName& q : e.rewrites)
    if (LiveTable(e, q)) out.push_back({Work::Kind::kRewrite, q, {}, false});
  auto rewritten = [&](const QName& q) {
    return std::any_of(out.begin(), out.end(), [&](const Work& w) {
      return w.kind == Work::Kind::kRewrite && w.table == q;
    });
  };
  if (s.kind == sql::Kind::kCreateIndex && s.index) {
    // What it scans is what it indexes: the table, or each partition of a partitioned one.
    const sql::CreateIndex& ix = *s.index;
    for (const QName& q : e.scans) {
      if (!LiveTable(e, q)) continue;
      out.push_back({Work::Kind::kIndexBuild, q, KeyColumns(ix.elems), ix.concurrently});
      built.push_back(q);
    }
  }
  if (s.kind == sql::Kind::kAlterTable) {
    if (const RelationLock* l = LiveTableWritten(e, s.table)) {
      for (const sql::AlterCmd& c : s.cmds) {
        if (c.type != sql::AlterType::kAddConstraint || !c.constraint) continue;
        const sql::Constraint& k = *c.constraint;
        const bool builds = k.type == sql::Constraint::Type::kPrimaryKey ||
                            k.type == sql::Constraint::Type::kUnique ||
                            k.type == sql::Constraint::Type::kExclusion;
        if (!builds || !k.using_index.empty()) continue;
        out.push_back(
            {Work::Kind::kIndexBuild, l->relation,
             k.type == sql::Constraint::Type::kExclusion ? std::vector<std::string>{} : k.columns,
             false});
        built.push_back(l->relation);
      }
    }
  }
  for (const QName& q : e.scans) {
    // A rewrite checks constraints as it writes; an index build's scan is counted with it.
    if (!LiveTable(e, q) || rewritten(q) || Contains(built, q)) continue;
    out.push_back({Work::Kind::kScan, q, {}, false});
  }
  return out;
}

double Sort(const TableStats& t, const std::vector<std::string>& columns) {
  if (auto it = t.sort_seconds.find(columns); !columns.empty() && it != t.sort_seconds.end())
    return it->second;
  // An expression or an unmeasured key: as costly as the most costly key measured, else a read.
  double worst = 0;
  for (const auto& [k, s] : t.sort_seconds) worst = std::max(worst, s);
  return worst > 0 ? worst : t.scan_seconds;
}

}  // namespace

std::vector<std::vector<Work>> WorkOf(const analysis::History& h) {
  std::vector<std::vector<Work>> out;
  for (const analysis::AnalyzedMigration& m : h.migrations) {
    if (!m.analyzed) continue;
    for (const analysis::AnalyzedStatement& as : m.statements) out.push_back(WorkOfStatement(as));
  }
  return out;
}

double IndexBuildSeconds(const TableStats& t, const std::vector<std::string>& columns,
                         const Model& m) {
  return m.build_per_scan * t.scan_seconds + m.build_per_sort * Sort(t, columns);
}

void Apply(const std::vector<std::vector<Work>>& work,
           const std::map<std::string, TableStats>& tables, const Model& m,
           std::vector<plan::Entry>& entries) {
  for (size_t i = 0; i < entries.size() && i < work.size(); ++i) {
    plan::Entry& e = entries[i];
    for (const RelationLock& l : e.locks) {
      if (l.is_index) continue;
      if (l.origin == schema::Origin::kThisMigration) {
        e.tables.push_back({l.relation, 0, 0});  // empty when the statement runs
      } else if (auto it = tables.find(l.relation.ToString()); it != tables.end()) {
        e.tables.push_back({it->second.relation, it->second.rows, it->second.total_bytes});
      }
    }
    e.with_statistics = true;
    plan::Estimate est;
    double concurrent = 0;
    bool known = true;
    for (const Work& w : work[i]) {
      auto it = tables.find(w.table.ToString());
      if (it == tables.end()) {
        known = false;  // not on the target: nothing to measure
        break;
      }
      const TableStats& t = it->second;
      switch (w.kind) {
        case Work::Kind::kScan:
          est.seconds += m.validate_per_scan * t.scan_seconds;
          break;
        case Work::Kind::kRewrite:
          est.seconds += m.rewrite_per_scan * t.scan_seconds;
          for (const auto& cols : t.indexes) est.seconds += IndexBuildSeconds(t, cols, m);
          break;
        case Work::Kind::kIndexBuild:
          if (w.concurrently) {
            concurrent += m.concurrent_factor * IndexBuildSeconds(t, w.columns, m);
          } else {
            est.seconds += IndexBuildSeconds(t, w.columns, m);
          }
          break;
      }
    }
    const bool blocks = std::any_of(e.locks.begin(), e.locks.end(), [](const RelationLock& l) {
      return l.origin != schema::Origin::kThisMigration && !locks::BlocksTraffic(l.mode).empty();
    });
    est.blocking_seconds = blocks ? est.seconds : 0;
    est.seconds += concurrent;
    if (known) e.estimate = est;
  }
}

}  // namespace lockstep::stats
