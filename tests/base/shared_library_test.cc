// LoadSymbol: resolves from a library that is not linked, and stops with a clear message and
// the exit code of the library's StatusCode when the library or the symbol is missing.
#include "base/shared_library.h"

#include <gtest/gtest.h>

#include "base/process_exit.h"

namespace lockstep {
namespace {

// A mapping of this test's own, so that the exit code is seen to come from the installed one.
int ExitCodeForTest(StatusCode code) { return 40 + static_cast<int>(code); }

TEST(SharedLibrary, ResolvesAFunctionOfALibraryLoadedOnFirstUse) {
  const SharedLibrary libpq{"libpq.so.5", "libpq5", StatusCode::kDatabase};
  auto version = reinterpret_cast<int (*)()>(LoadSymbol(libpq, "PQlibVersion"));
  ASSERT_NE(version, nullptr);
  EXPECT_GE(version(), 100000);  // e.g. 150020 for 15.20
  EXPECT_EQ(LoadSymbol(libpq, "PQlibVersion"), reinterpret_cast<void*>(version));
}

TEST(SharedLibraryDeathTest, MissingLibraryExitsWithItsCodeAndNamesThePackage) {
  InstallExitCodes(ExitCodeForTest);
  const SharedLibrary missing{"liblockstep-missing.so.0", "lockstep-missing",
                              StatusCode::kDatabase};
  EXPECT_EXIT(LoadSymbol(missing, "f"),
              ::testing::ExitedWithCode(ExitCodeForTest(StatusCode::kDatabase)),
              "cannot load f from liblockstep-missing.so.0 .*install the lockstep-missing package");
}

TEST(SharedLibraryDeathTest, MissingSymbolExitsToo) {
  InstallExitCodes(ExitCodeForTest);
  const SharedLibrary libpq{"libpq.so.5", "libpq5", StatusCode::kInvalidInput};
  EXPECT_EXIT(LoadSymbol(libpq, "PQnoSuchFunction"),
              ::testing::ExitedWithCode(ExitCodeForTest(StatusCode::kInvalidInput)),
              "cannot load PQnoSuchFunction from libpq.so.5");
}

}  // namespace
}  // namespace lockstep
