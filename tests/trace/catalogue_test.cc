// The plan-vs-trace catalogue: every statement of tests/trace/catalogue.sql goes through the lock
// model (`plan`, in-process) and through `trace` on a real server of each major, and the two must
// agree exactly on the lock mode per pre-existing relation (indexes included), on rewrites, on
// transactional-ness and — where the server's counter means something — on scans. A
// disagreement is fixed in the lock model, never here.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "analysis/history.h"
#include "plan/plan.h"
#include "source_dir.h"  // LOCKSTEP_SOURCE_DIR
#include "support/pg_server.h"
#include "trace/prepared_server.h"
#include "trace/trace.h"

namespace lockstep::trace {
namespace {

struct Case {
  std::string name;
  int line = 0;       // of the "-- case" line
  int min_major = 0;  // pg>=N
  bool scan_check = true;
  // The plan says it cannot know (dynamic SQL) and assumes the worst: every lock trace sees must
  // be planned at least as strong; the plan may lock more.
  bool worst_case = false;
  std::string setup;  // padded with newlines so that positions are those of catalogue.sql
  std::string run;
};

std::string CataloguePath() {
  return std::string(LOCKSTEP_SOURCE_DIR) + "/tests/trace/catalogue.sql";
}

std::vector<Case> LoadCatalogue() {
  std::ifstream in(CataloguePath());
  std::vector<Case> cases;
  std::string line;
  int n = 0;
  bool in_run = false;
  while (std::getline(in, line)) {
    ++n;
    if (line.rfind("-- case ", 0) == 0) {
      Case c;
      c.line = n;
      std::istringstream words(line.substr(8));
      words >> c.name;
      for (std::string w; words >> w;) {
        if (w.rfind("pg>=", 0) == 0)
          c.min_major = std::stoi(w.substr(4));
        else if (w == "no-scan-check")
          c.scan_check = false;
        else if (w == "worst-case")
          c.worst_case = true;
        else
          ADD_FAILURE() << "catalogue.sql:" << n << ": unknown option " << w;
      }
      cases.push_back(std::move(c));
      in_run = false;
      continue;
    }
    if (cases.empty()) continue;
    if (line == "-- run") {
      in_run = true;
      continue;
    }
    std::string& text = in_run ? cases.back().run : cases.back().setup;
    // Keep line numbers: pad with the lines before this one.
    const int have = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    text.append(static_cast<size_t>(std::max(0, n - 1 - have)), '\n');
    text += line + "\n";
  }
  return cases;
}

// "schema.name[ (index)] Mode"
std::string LockKey(const locks::RelationLock& l) {
  return l.relation.ToString() + (l.is_index ? " (index) " : " ") +
         std::string(locks::LockModeName(l.mode));
}

// LockKey per relation, sorted.
std::set<std::string> LockSet(const std::vector<locks::RelationLock>& ls,
                              const std::set<std::string>& skip) {
  std::set<std::string> out;
  for (const locks::RelationLock& l : ls) {
    if (skip.count(l.relation.ToString())) continue;
    out.insert(LockKey(l));
  }
  return out;
}

std::set<std::string> NameSet(const std::vector<sql::QName>& v,
                              const std::vector<sql::QName>& minus = {}) {
  std::set<std::string> out;
  for (const sql::QName& q : v)
    if (std::find(minus.begin(), minus.end(), q) == minus.end()) out.insert(q.ToString());
  return out;
}

std::string Join(const std::set<std::string>& s) {
  std::string out;
  for (const std::string& x : s) out += (out.empty() ? "" : ", ") + x;
  return "{" + out + "}";
}

// The minor releases of 2026-11-12 (15.20 …) added defences against composite types changing
// under running queries. Since then the server also takes AccessShareLock on the referenced
// key's index when a foreign key is added, and on a serial column's sequence when the column's
// type changes. Those locks conflict only with ACCESS EXCLUSIVE on that index or sequence, and
// the lock model (one per major version) does not list them. 16.14, 17.10 and 18.4, the newest
// embedded servers, do not take them yet; when they do, their first versions go here.
bool TakesExtraAccessShareLocks(int server_version_num) {
  return server_version_num >= 150020 && server_version_num < 160000;
}

// Empty when plan and trace agree; else what differs. On a server that takes the extra locks
// above, trace-only AccessShareLocks on relations the plan does not lock are counted in
// `tolerated` instead; everything else must still agree.
// For a worst-case entry: every lock of trace, planned at least as strong.
std::string WeakerThanTrace(const plan::Entry& p, const Observed& t) {
  std::string out;
  for (const locks::RelationLock& l : t.entry.locks) {
    const auto it = std::find_if(p.locks.begin(), p.locks.end(), [&](const locks::RelationLock& m) {
      return m.relation == l.relation && m.mode >= l.mode;
    });
    if (it == p.locks.end())
      out += "\n    trace " + LockKey(l) + " is not planned at least as strong";
  }
  if (p.transactional != t.entry.transactional) out += "\n    transactional differs";
  if (std::none_of(p.notes.begin(), p.notes.end(), [](const std::string& n) {
        return n.find("its locks are unknown") != std::string::npos;
      }))
    out += "\n    the plan does not say that its locks are unknown";
  return out;
}

std::string Disagreement(const plan::Entry& p, const Observed& t, bool scan_check,
                         bool extra_access_share, int& tolerated) {
  std::string out;
  std::set<std::string> created;
  for (const sql::QName& q : t.created) created.insert(q.ToString());
  const auto pl = LockSet(p.locks, created);
  auto tl = LockSet(t.entry.locks, {});
  if (extra_access_share) {
    std::set<std::string> planned_relations;
    for (const locks::RelationLock& l : p.locks) planned_relations.insert(l.relation.ToString());
    for (const locks::RelationLock& l : t.entry.locks) {
      if (l.mode == locks::LockMode::kAccessShare &&
          !planned_relations.count(l.relation.ToString()) && tl.erase(LockKey(l)))
        ++tolerated;
    }
  }
  if (pl != tl) out += "\n    locks:  plan " + Join(pl) + "\n            trace " + Join(tl);
  const auto pr = NameSet(p.rewrites), tr = NameSet(t.entry.rewrites);
  if (pr != tr) out += "\n    rewrites: plan " + Join(pr) + " trace " + Join(tr);
  if (p.transactional != t.entry.transactional)
    out += std::string("\n    transactional: plan ") + (p.transactional ? "yes" : "no") +
           " trace " + (t.entry.transactional ? "yes" : "no");
  if (scan_check && t.scans_observed) {
    const auto ps = NameSet(p.scans, p.rewrites), ts = NameSet(t.entry.scans);
    if (ps != ts) out += "\n    scans: plan " + Join(ps) + " trace " + Join(ts);
  }
  return out;
}

class Catalogue : public ::testing::TestWithParam<int> {};

TEST(CatalogueFile, HasEnoughCasesAndEachRunsSomething) {
  const std::vector<Case> cases = LoadCatalogue();
  EXPECT_GE(cases.size(), 80u);
  std::set<std::string> names;
  for (const Case& c : cases) {
    EXPECT_TRUE(names.insert(c.name).second) << "duplicate case " << c.name;
    const sql::ParsedFile run = sql::Parse(c.run);
    if (c.min_major > sql::GrammarVersionNum() / 10000) {
      // Built with bookworm's libpg_query 15 (README, "Dependencies"): newer syntax is an error.
      EXPECT_FALSE(run.ok()) << c.name;
      continue;
    }
    EXPECT_TRUE(run.ok()) << c.name;
    EXPECT_FALSE(run.statements.empty()) << c.name << " has nothing to run";
  }
}

TEST_P(Catalogue, PlanAgreesWithTrace) {
  const int major = GetParam();
  ASSERT_TRUE(PreparedServer(major).ok()) << PreparedServer(major).message();
  const std::vector<Case> cases = LoadCatalogue();
  ASSERT_FALSE(cases.empty()) << "cannot read " << CataloguePath();
  const char* report_dir = std::getenv("LOCKSTEP_CATALOGUE_REPORT");
  std::ofstream report;
  if (report_dir) report.open(std::string(report_dir) + "/pg" + std::to_string(major) + ".json");
  // LOCKSTEP_CATALOGUE_CASES=a,b: only these cases (to iterate on a few; CI runs them all).
  const char* only = std::getenv("LOCKSTEP_CATALOGUE_CASES");
  const std::string only_list = only ? "," + std::string(only) + "," : "";
  nlohmann::json rows = nlohmann::json::array();

  int ran = 0, statements = 0, agreed = 0, tolerated = 0;
  bool extra_access_share = false;
  for (const Case& c : cases) {
    if (major < c.min_major) continue;
    // lockstep cannot plan what its grammar cannot read (the libpg_query 15 fallback).
    if (c.min_major > sql::GrammarVersionNum() / 10000) continue;
    if (!only_list.empty() && only_list.find("," + c.name + ",") == std::string::npos) continue;
    ++ran;
    const std::vector<analysis::MigrationText> migrations = {
        {"0_setup", CataloguePath(), c.setup}, {"1_" + c.name, CataloguePath(), c.run}};
    analysis::Options ao;
    ao.locks.pg_version = major;
    ao.parse.tokens = true;
    const std::vector<plan::Entry> planned = plan::FromHistory(analysis::Replay(migrations, 1, ao));

    Result<std::unique_ptr<testing::TestDatabase>> db =
        testing::TestDatabase::Create(major, c.name);
    ASSERT_TRUE(db.ok()) << db.status().message();
    if (ran == 1) {
      db::DbResult<db::Connection> conn = (*db)->Connect();
      ASSERT_TRUE(conn.ok()) << conn.error().OneLine();
      extra_access_share = TakesExtraAccessShareLocks(conn->server_version_num());
    }
    Options o;
    o.hold_commits = true;
    o.analysis = ao;
    Result<std::vector<Observed>> traced = trace::Run((*db)->socket_conninfo(), migrations, 1, o);
    if (!traced.ok()) {
      ADD_FAILURE() << c.name << ": trace failed: " << traced.status().ToString();
      continue;
    }
    ASSERT_EQ(traced->size(), planned.size()) << c.name;
    for (size_t i = 0; i < planned.size(); ++i) {
      ++statements;
      const std::string diff = c.worst_case ? WeakerThanTrace(planned[i], (*traced)[i])
                                            : Disagreement(planned[i], (*traced)[i], c.scan_check,
                                                           extra_access_share, tolerated);
      EXPECT_EQ(diff, "") << "case " << c.name << " on PostgreSQL " << major << ", "
                          << CataloguePath() << ":" << planned[i].line << ": "
                          << planned[i].statement;
      if (diff.empty()) ++agreed;
      nlohmann::json row = ToJson({(*traced)[i]})[0];
      row["case"] = c.name;
      row["agrees"] = diff.empty();
      rows.push_back(std::move(row));
    }
  }
  if (report.is_open()) report << rows.dump(1) << "\n";
  std::printf("catalogue on PostgreSQL %d: %d cases, %d statements, %d agree", major, ran,
              statements, agreed);
  if (tolerated > 0)
    std::printf(" (%d extra AccessShareLocks of this minor release set aside)", tolerated);
  std::printf("\n");
  if (only_list.empty()) {
    EXPECT_GE(ran, 80);
  }
}

LOCKSTEP_PG_MAJORS(Catalogue, 14, 15, 16, 17, 18);

}  // namespace
}  // namespace lockstep::trace
