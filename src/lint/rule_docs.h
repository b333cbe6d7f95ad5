// The rule documentation pages (docs/rules/<id>.md), embedded into the binary at build time by
// cmake/embed_rule_docs.cmake, for `lockstep explain`.
#pragma once

#include <map>
#include <optional>
#include <string_view>

namespace lockstep::lint {

// Page text by rule id. Static storage; thread-safe.
const std::map<std::string_view, std::string_view>& EmbeddedRuleDocs();

// The page of `id`: a rule's embedded page, or the built-in text of the runner's own findings
// ("unused-ignore", "syntax-error"); nullopt when there is none.
std::optional<std::string_view> RuleDoc(std::string_view id);

}  // namespace lockstep::lint
