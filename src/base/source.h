// A source file held in memory with a line index, for turning byte offsets into 1-based positions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace lockstep {

struct Position {
  int line = 0;    // 1-based
  int column = 0;  // 1-based, counted in characters (UTF-8 code points) from the line start
};

class SourceFile {
 public:
  SourceFile() = default;
  SourceFile(std::string path, std::string text);
  // Reads the whole file; the error names the path and the OS reason.
  static Result<SourceFile> Read(const std::string& path);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }

  // Offsets past the end clamp to the end. Thread-compatible (const methods only).
  Position PositionOf(size_t byte_offset) const;
  // "path:line:col"
  std::string Where(size_t byte_offset) const;
  // The text of the 1-based line, without its newline.
  std::string_view Line(int line) const;
  int line_count() const { return static_cast<int>(line_starts_.size()); }
  // Byte offset of the start of a 1-based line.
  size_t LineStart(int line) const { return line_starts_[line - 1]; }

 private:
  std::string path_;
  std::string text_;
  std::vector<size_t> line_starts_;
};

// libpg_query reports cursor positions as 1-based character indexes; this converts one to a
// byte offset into `text` (UTF-8).
size_t CharIndexToByteOffset(std::string_view text, int one_based_char_index);

}  // namespace lockstep
