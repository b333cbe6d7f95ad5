// strong_migrations best practice: a non-unique B-tree index on more than three columns is rarely
// used beyond its leading columns, while every write still maintains all of them.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

constexpr size_t kMaxColumns = 3;

class PreferNarrowIndex : public Rule {
 public:
  std::string_view id() const override { return "prefer-narrow-index"; }
  Severity default_severity() const override { return Severity::kHint; }
  std::string_view summary() const override {
    return "non-unique index on more than three columns";
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kCreateIndex || !s.index || s.index->unique) return;
    const sql::CreateIndex& ci = *s.index;
    if (!ci.access_method.empty() && ci.access_method != "btree") return;
    if (ci.elems.size() <= kMaxColumns) return;
    Report(ctx, *this,
           "This non-unique index has " + std::to_string(ci.elems.size()) +
               " columns: queries seldom use more than the leading ones, but every write "
               "maintains all of them",
           "Index the columns queries actually filter on (usually at most three), and add the "
           "rest with INCLUDE (…) if index-only scans need them");
  }
};

}  // namespace

std::unique_ptr<Rule> MakePreferNarrowIndex() { return std::make_unique<PreferNarrowIndex>(); }

}  // namespace lockstep::rules
