// LoadSymbol: resolves from a library that is not linked, and stops with a clear message and
// the library's exit code when the library or the symbol is missing.
#include "base/shared_library.h"

#include <gtest/gtest.h>

namespace lockstep {
namespace {

TEST(SharedLibrary, ResolvesAFunctionOfALibraryLoadedOnFirstUse) {
  const SharedLibrary libpq{"libpq.so.5", "libpq5", 4};
  auto version = reinterpret_cast<int (*)()>(LoadSymbol(libpq, "PQlibVersion"));
  ASSERT_NE(version, nullptr);
  EXPECT_GE(version(), 100000);  // e.g. 150020 for 15.20
  EXPECT_EQ(LoadSymbol(libpq, "PQlibVersion"), reinterpret_cast<void*>(version));
}

TEST(SharedLibraryDeathTest, MissingLibraryExitsWithItsCodeAndNamesThePackage) {
  const SharedLibrary missing{"liblockstep-missing.so.0", "lockstep-missing", 4};
  EXPECT_EXIT(LoadSymbol(missing, "f"), ::testing::ExitedWithCode(4),
              "cannot load f from liblockstep-missing.so.0 .*install the lockstep-missing package");
}

TEST(SharedLibraryDeathTest, MissingSymbolExitsToo) {
  const SharedLibrary libpq{"libpq.so.5", "libpq5", 2};
  EXPECT_EXIT(LoadSymbol(libpq, "PQnoSuchFunction"), ::testing::ExitedWithCode(2),
              "cannot load PQnoSuchFunction from libpq.so.5");
}

}  // namespace
}  // namespace lockstep
