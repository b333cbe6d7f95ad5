// The catalog before each statement of one migration, for a reader that walks the migration in
// order and now and then looks at another statement (fix's steps). A snapshot per statement
// (Options::keep_catalogs) copies the whole catalog once per statement: planning every
// migration of a long history that way was quadratic (`plan` on a 700-migration history spent
// 20x lint's time copying). Here the walk applies each statement to one catalog, and only the
// statements asked about out of order get a copy of their own.
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "schema/catalog.h"
#include "sql/ast.h"

namespace lockstep::analysis {

// Not thread-safe. `statements` must outlive the walk.
class CatalogWalk {
 public:
  // `start`: the catalog just before statements[0] (BeginMigration already called).
  CatalogWalk(const std::vector<sql::Statement>& statements,
              std::shared_ptr<const schema::Catalog> start);

  // Moves the walk to just before statements[i] (forward only: i >= position()).
  void MoveTo(size_t i);
  size_t position() const { return position_; }

  // The catalog just before statements[i]. For i == position() it is the walk's own catalog,
  // valid until the next MoveTo; any other is a snapshot kept until the walk is destroyed.
  const schema::Catalog& Before(size_t i);

 private:
  const std::vector<sql::Statement>& statements_;
  std::shared_ptr<const schema::Catalog> start_;
  // Null until the walk first moves past statement 0 (until then start_ is the catalog).
  std::unique_ptr<schema::Catalog> current_;
  size_t position_ = 0;
  std::map<size_t, std::unique_ptr<schema::Catalog>> snapshots_;
};

}  // namespace lockstep::analysis
