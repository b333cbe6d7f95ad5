// LexicallyNormal must be exactly std::filesystem's lexically_normal, and the fast check may
// only say "normal" for paths that are.
#include "base/paths.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lockstep {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kPaths = {"",
                                         ".",
                                         "..",
                                         "../..",
                                         "a",
                                         "a/b",
                                         "/a/b",
                                         "/",
                                         "a/./b",
                                         "./a",
                                         "a/.",
                                         "a/..",
                                         "a/../b",
                                         "../a/..",
                                         "../a",
                                         "../../a/b",
                                         "/..",
                                         "/../a",
                                         "a//b",
                                         "//a",
                                         "a/",
                                         "../",
                                         "a/b/",
                                         "/a/",
                                         ".hidden/x",
                                         "a/..b",
                                         "..a/b",
                                         "a/b..",
                                         "a/.b",
                                         "../shared/corpus/prisma/x/migration.sql",
                                         "prisma/migrations/20250101000000_init/migration.sql",
                                         "a/../..",
                                         "./",
                                         "x/./",
                                         "é/ü.sql"};

TEST(Paths, LexicallyNormalMatchesTheStandardOne) {
  for (const std::string& s : kPaths) {
    const fs::path p(s);
    EXPECT_EQ(LexicallyNormal(p).native(), p.lexically_normal().native()) << "'" << s << "'";
    if (IsLexicallyNormal(s)) {
      EXPECT_EQ(p.lexically_normal().native(), s) << "'" << s << "' is not normal";
    }
  }
}

TEST(Paths, TheUsualDiscoveredPathsTakeTheFastWay) {
  EXPECT_TRUE(IsLexicallyNormal("../shared/corpus/prisma/x/migration.sql"));
  EXPECT_TRUE(IsLexicallyNormal("/srv/app/prisma/migrations/1_init/migration.sql"));
  EXPECT_TRUE(IsLexicallyNormal("migration.sql"));
  EXPECT_FALSE(IsLexicallyNormal("a/./b"));
  EXPECT_FALSE(IsLexicallyNormal("a/../b"));
  EXPECT_FALSE(IsLexicallyNormal("a//b"));
}

}  // namespace
}  // namespace lockstep
