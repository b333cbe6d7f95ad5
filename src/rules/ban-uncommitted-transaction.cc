// squawk ban-uncommitted-transaction: a BEGIN without COMMIT leaves the transaction open when the
// file ends; the session then closes and PostgreSQL rolls everything back, while the migration
// tool may record the migration as applied.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class BanUncommittedTransaction : public Rule {
 public:
  std::string_view id() const override { return "ban-uncommitted-transaction"; }
  Severity default_severity() const override { return Severity::kError; }
  std::string_view summary() const override {
    return "BEGIN without COMMIT: the work is rolled back when the session ends";
  }
  // The last BEGIN of the migration, remembered as its range (the runner need not keep the
  // statement until the end of the file).
  struct LastBegin {
    int begin = -1;
    int end = -1;
  };

  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind == sql::Kind::kTransaction && s.transaction == sql::TransactionKind::kBegin)
      ctx.Scratch<LastBegin>(this) = {s.begin, s.end};
  }

  void CheckMigration(Context& ctx) const override {
    // A Prisma 8 run's packages share one transaction: the last one commits it.
    if (!ctx.tx.explicit_block || ctx.tx.continues_in_next_migration) return;
    const LastBegin begin = ctx.Scratch<LastBegin>(this);
    if (begin.begin < 0) return;
    Diagnostic d;
    d.rule = std::string(id());
    d.severity = default_severity();
    d.message =
        "This transaction is never committed: when the file ends the session closes and "
        "PostgreSQL rolls back everything after the BEGIN";
    d.help = "Add COMMIT; at the end of the file";
    d.begin = begin.begin;
    d.end = begin.end;
    const std::string_view text = ctx.text();
    const bool newline = !text.empty() && (text.back() == '\n' || text.back() == '\r');
    const char eol =
        text.find("\r\n") != std::string_view::npos || text.find('\n') != std::string_view::npos
            ? '\n'
            : '\r';
    d.edits.push_back({static_cast<int>(text.size()), static_cast<int>(text.size()),
                       (newline ? "" : std::string(1, eol)) + "COMMIT;" + std::string(1, eol)});
    ctx.Report(std::move(d));
  }
};

}  // namespace

std::unique_ptr<Rule> MakeBanUncommittedTransaction() {
  return std::make_unique<BanUncommittedTransaction>();
}

}  // namespace lockstep::rules
