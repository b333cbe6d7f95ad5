// Making untrusted text (file and folder names, server messages) safe to print on a terminal.
#pragma once

#include <string>
#include <string_view>

namespace lockstep {

// `text` with every ASCII control character (0x00-0x1F, 0x7F) written as a visible escape
// (\n, \r, \t, \xNN) and backslashes doubled, so that a folder named "a\x1b[2Jb" or "a\nb" cannot
// clear the screen or forge an extra output line. Other bytes, UTF-8 included, are kept. Pure.
std::string EscapeControl(std::string_view text);

// Like EscapeControl for one line of output that may itself span lines: newlines and tabs are
// kept, backslashes too (a message quoting SQL keeps its escapes readable). Pure.
std::string EscapeControlInLines(std::string_view text);

// `text` with the password of every URL in it ("scheme://user:password@host") replaced by
// "****": for echoing what a user typed where a path was expected. Pure.
std::string MaskUrlPasswords(std::string_view text);

// True when `text` starts like a URL ("postgresql://…", "file://…"): an argument that is surely
// not a path on disk. Pure.
bool LooksLikeUrl(std::string_view text);

// What a message may quote of a user's argument: URL passwords masked, control characters
// escaped. Pure.
inline std::string Printable(std::string_view argument) {
  return EscapeControl(MaskUrlPasswords(argument));
}

}  // namespace lockstep
