// Access to ../shared/corpus for tests. The corpus is not in the repo (licences); when it is
// absent (a user's clone), corpus tests print one line saying they did not run and pass.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "source_dir.h"  // LOCKSTEP_SOURCE_DIR

namespace lockstep::testing {

// The corpus root (LOCKSTEP_SOURCE_DIR/../shared/corpus), or empty when it is not there.
std::filesystem::path CorpusRoot();

// All files under `dir` (recursive) whose name ends with `suffix`, sorted.
std::vector<std::filesystem::path> FilesUnder(const std::filesystem::path& dir,
                                              const std::string& suffix);

std::string ReadFileOrDie(const std::filesystem::path& p);

}  // namespace lockstep::testing

// Skips the current test with one clear line when the corpus is absent.
#define LOCKSTEP_REQUIRE_CORPUS()                                                          \
  do {                                                                                     \
    if (::lockstep::testing::CorpusRoot().empty())                                         \
      GTEST_SKIP() << "corpus suite did not run: ../shared/corpus is absent (CI runs it)"; \
  } while (0)
