#include "lint/rule_docs.h"

namespace lockstep::lint {

namespace {

constexpr std::string_view kUnusedIgnoreDoc = R"(# unused-ignore

An inline `-- lockstep-ignore <rule>` (or `-- lockstep-ignore-file <rule>`) comment names a rule
that reported nothing where the comment applies, names an unknown rule, or names no rule at all.

Stale ignores hide the next real finding of that rule on the statement, so lockstep reports them
(severity: warning). Remove the rule id from the comment, or the whole comment.

It runs like a rule: `[rules] unused-ignore = "off"` in lockstep.toml disables it, and
`-- lockstep-ignore-file unused-ignore` silences it for one file. Ignores of rules that did not
run (disabled in lockstep.toml) are not reported.
)";

constexpr std::string_view kSyntaxErrorDoc = R"(# syntax-error

PostgreSQL's own grammar (libpg_query, PostgreSQL 15) could not parse part of the file. The
statements around the error are still checked, but the file would fail to apply, so the finding is
always an error, cannot be ignored or disabled, and makes `lockstep lint` exit with code 2.
)";

}  // namespace

std::optional<std::string_view> RuleDoc(std::string_view id) {
  if (id == "unused-ignore") return kUnusedIgnoreDoc;
  if (id == "syntax-error") return kSyntaxErrorDoc;
  const auto& docs = EmbeddedRuleDocs();
  auto it = docs.find(id);
  if (it == docs.end()) return std::nullopt;
  return it->second;
}

}  // namespace lockstep::lint
