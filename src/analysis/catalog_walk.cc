#include "analysis/catalog_walk.h"

#include <iterator>
#include <utility>

namespace lockstep::analysis {

CatalogWalk::CatalogWalk(const std::vector<sql::Statement>& statements,
                         std::shared_ptr<const schema::Catalog> start)
    : statements_(statements), start_(std::move(start)) {}

void CatalogWalk::MoveTo(size_t i) {
  if (i <= position_) return;
  if (!current_) current_ = std::make_unique<schema::Catalog>(*start_);
  for (; position_ < i && position_ < statements_.size(); ++position_)
    current_->Apply(statements_[position_]);
}

const schema::Catalog& CatalogWalk::Before(size_t i) {
  if (i == position_) return current_ ? *current_ : *start_;
  if (i == 0) return *start_;
  if (auto it = snapshots_.find(i); it != snapshots_.end()) return *it->second;
  // From the nearest catalog at or before i: a snapshot, the walk's own catalog, or the start.
  const schema::Catalog* from = start_.get();
  size_t at = 0;
  if (position_ < i && current_) {
    from = current_.get();
    at = position_;
  }
  if (auto it = snapshots_.lower_bound(i); it != snapshots_.begin()) {
    --it;
    if (it->first > at) {
      from = it->second.get();
      at = it->first;
    }
  }
  auto copy = std::make_unique<schema::Catalog>(*from);
  for (; at < i && at < statements_.size(); ++at) copy->Apply(statements_[at]);
  return *snapshots_.emplace(i, std::move(copy)).first->second;
}

}  // namespace lockstep::analysis
