#include "support/corpus.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "source_dir.h"  // LOCKSTEP_SOURCE_DIR

namespace lockstep::testing {

std::filesystem::path CorpusRoot() {
  const char* env = std::getenv("LOCKSTEP_SOURCE_DIR");
  std::filesystem::path root = env ? env : LOCKSTEP_SOURCE_DIR;
  std::filesystem::path corpus = root / ".." / "shared" / "corpus";
  std::error_code ec;
  if (!std::filesystem::is_directory(corpus, ec)) return {};
  return std::filesystem::canonical(corpus, ec);
}

std::vector<std::filesystem::path> FilesUnder(const std::filesystem::path& dir,
                                              const std::string& suffix) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file() && name.size() >= suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string ReadFileOrDie(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace lockstep::testing
