// A text edit on the original bytes of a file, never a deparse: what a lint quick fix carries and
// what `fix` writes, so comments, blank lines and the formatting of untouched statements survive
// byte for byte.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace lockstep {

// Replace [begin, end) of the original with `text` (begin == end: an insertion).
struct Edit {
  int begin = 0;
  int end = 0;
  std::string text;
};

// Applies `edits` to `text`. Edits may come in any order; removals that overlap are merged
// (each is a pure deletion of original bytes), insertions at one offset keep their relative
// order and go before a removal starting there. Fails when a replacement overlaps anything.
Result<std::string> ApplyEdits(std::string_view text, std::vector<Edit> edits);

}  // namespace lockstep
