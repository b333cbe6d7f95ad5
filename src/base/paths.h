// Lexical path normalisation without the cost when there is nothing to normalise.
#pragma once
#include <filesystem>
#include <string_view>

namespace lockstep {

// Whether `s` is its own std::filesystem::path::lexically_normal() (POSIX paths): no empty, "."
// or inner ".." component, no trailing separator. Conservative: false means "normalise it",
// never a wrong answer the other way.
bool IsLexicallyNormal(std::string_view s);

// p.lexically_normal(). Discovery's paths are nearly always normal already, and building the
// normal form anew for each of a thousand migrations showed in profiles (2% of lint's time).
std::filesystem::path LexicallyNormal(const std::filesystem::path& p);

}  // namespace lockstep
