// REFRESH MATERIALIZED VIEW -> … CONCURRENTLY when the view has a unique index PostgreSQL can use
// (plain columns, no WHERE): EXCLUSIVE instead of ACCESS EXCLUSIVE, so readers go on.
#include "fix/steps/step.h"

namespace lockstep::fix::steps {
namespace {

// Whether the view holds data just before the current statement (CONCURRENTLY refuses an
// unpopulated view): the last CREATE or REFRESH of it decides; unknown counts as not.
bool Populated(const Context& ctx, const sql::QName& view) {
  bool populated = false;
  auto visit = [&](const analysis::AnalyzedMigration& m, size_t limit, const schema::Catalog& cat) {
    for (size_t i = 0; i < limit && i < m.parsed.statements.size(); ++i) {
      const sql::Statement& s = m.parsed.statements[i];
      if ((s.kind == sql::Kind::kCreateMatView || s.kind == sql::Kind::kRefreshMatView) &&
          cat.Resolve(s.table) == cat.Resolve(view))
        populated = !s.with_no_data;
    }
  };
  const schema::Catalog& cat = ctx.before();
  for (size_t k = 0; k < ctx.target(); ++k) {
    const analysis::AnalyzedMigration& m = ctx.history().migrations[k];
    visit(m, m.parsed.statements.size(), cat);
  }
  visit(ctx.migration(), ctx.index, cat);
  return populated;
}

}  // namespace

bool RefreshMatViewStep(Context& ctx) {
  const sql::Statement& s = ctx.stmt();
  if (s.kind != sql::Kind::kRefreshMatView || s.concurrently || s.with_no_data) return false;
  if (!ctx.Wanted(s.table)) {
    ctx.LeftAlone("view created by this migration: nobody else can see it yet (--minimal)");
    return true;
  }
  bool usable = false;
  for (const schema::Index* ix : ctx.before().IndexesOn(s.table))
    usable = usable || (ix->unique && !ix->partial && !ix->has_expressions);
  if (!usable || !Populated(ctx, s.table)) return false;
  int at = -1;
  for (int t = s.first_token; t < s.last_token; ++t)
    if (ctx.parsed().tokens[t].kind == "VIEW") {
      at = ctx.parsed().tokens[t].end;
      break;
    }
  if (at < 0) return false;
  ctx.Insert(at, ctx.Kw(" CONCURRENTLY"));
  ctx.Rewrote("CONCURRENTLY (the view has a unique index): reads go on during the refresh");
  return true;
}

}  // namespace lockstep::fix::steps
