// A statement that must run outside a transaction (CREATE INDEX CONCURRENTLY, VACUUM, …) in a
// file with other statements fails under Prisma's native engine, which sends the whole file as
// one implicit transaction (SQLSTATE 25001). It moves, unchanged, to a migration of its own.
#include "fix/steps/step.h"

namespace lockstep::fix::steps {

bool IsolateNonTransactionalStep(Context& ctx) {
  const sql::Statement& s = ctx.stmt();
  if (!sql::MustRunOutsideTransaction(s) || ctx.statement_count() < 2) return false;
  NewMigration m;
  if (s.kind == sql::Kind::kCreateIndex && s.index) {
    m.slug = IndexSlug(*s.index);
  } else if (s.kind == sql::Kind::kDrop && !s.objects.empty()) {
    m.slug = "drop_" + SnakeCase(s.objects.front().name);
  } else if (s.kind == sql::Kind::kReindex) {
    m.slug = "reindex_" + SnakeCase(!s.objects.empty()      ? s.objects.front().name
                                    : !s.table.name.empty() ? s.table.name
                                                            : s.reindex_kind);
  } else {
    m.slug = SnakeCase(sql::KindName(s.kind)) +
             (s.table.name.empty() ? "" : "_" + SnakeCase(s.table.name));
  }
  m.sql = std::string(ctx.StatementText()) + ";\n";
  m.transactional = false;
  m.purpose = "runs outside a transaction, alone in its file";
  ctx.Move(std::move(m), std::vector<Edit>{});
  ctx.RemoveStatement();
  ctx.Rewrote("cannot run inside a transaction: moved, unchanged, to a migration of its own");
  return true;
}

}  // namespace lockstep::fix::steps
