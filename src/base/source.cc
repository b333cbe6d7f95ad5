#include "base/source.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace lockstep {

SourceFile::SourceFile(std::string path, std::string text)
    : path_(std::move(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  }
}

Result<SourceFile> SourceFile::Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error(std::string("cannot read: ") + std::strerror(errno), path);
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Status::Error(std::string("cannot read: ") + std::strerror(errno), path);
  return SourceFile(path, buf.str());
}

Position SourceFile::PositionOf(size_t byte_offset) const {
  byte_offset = std::min(byte_offset, text_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), byte_offset);
  const int line = static_cast<int>(it - line_starts_.begin());
  const size_t start = line_starts_[line - 1];
  int column = 1;
  for (size_t i = start; i < byte_offset; ++i) {
    // Count code points: skip UTF-8 continuation bytes.
    if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
  }
  return {line, column};
}

std::string SourceFile::Where(size_t byte_offset) const {
  const Position p = PositionOf(byte_offset);
  return path_ + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
}

std::string_view SourceFile::Line(int line) const {
  if (line < 1 || line > line_count()) return {};
  const size_t start = line_starts_[line - 1];
  size_t end = line < line_count() ? line_starts_[line] - 1 : text_.size();
  if (end > start && text_[end - 1] == '\r') --end;
  return std::string_view(text_).substr(start, end - start);
}

size_t CharIndexToByteOffset(std::string_view text, int one_based_char_index) {
  int chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (++chars == one_based_char_index) return i;
    }
  }
  return text.size();
}

}  // namespace lockstep
