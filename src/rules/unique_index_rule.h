// The shared logic of require-unique-using-index and require-primary-key-using-index: adding a
// UNIQUE or PRIMARY KEY constraint to a live table builds its index under ACCESS EXCLUSIVE; built
// first with CREATE UNIQUE INDEX CONCURRENTLY, the constraint takes it over instantly with USING
// INDEX.
#pragma once

#include "rules/common.h"

namespace lockstep::rules {

class UniqueIndexRule : public Rule {
 public:
  bool fixable() const override { return true; }
  void CheckStatement(Context& ctx) const override;

 protected:
  virtual sql::Constraint::Type type() const = 0;
  virtual std::string_view what() const = 0;  // "UNIQUE", "PRIMARY KEY"
};

}  // namespace lockstep::rules
