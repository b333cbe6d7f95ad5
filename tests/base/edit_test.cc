// Applying text edits: the one Edit that lint quick fixes and `fix` share.
#include "base/edit.h"

#include <gtest/gtest.h>

namespace lockstep {
namespace {

TEST(ApplyEditsTest, InsertionsGoBeforeARemovalAtTheSameOffset) {
  Result<std::string> r = ApplyEdits("abcdef", {{2, 4, ""}, {2, 2, "X"}, {6, 6, "!"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "abXef!");
}

TEST(ApplyEditsTest, OverlappingRemovalsMergeButReplacementsMayNotOverlap) {
  Result<std::string> merged = ApplyEdits("abcdef", {{1, 3, ""}, {2, 5, ""}});
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(*merged, "af");
  EXPECT_FALSE(ApplyEdits("abcdef", {{1, 3, "x"}, {2, 5, ""}}).ok());
}

}  // namespace
}  // namespace lockstep
