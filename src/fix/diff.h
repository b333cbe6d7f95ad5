// A small unified diff (Myers' algorithm on lines), so that `fix --dry-run` prints the same bytes
// on every machine without depending on an external diff.
#pragma once

#include <string>
#include <string_view>

namespace lockstep::fix {

// `diff -u` style text turning `before` into `after`, with 3 lines of context, headed by
// "--- a/<path>" / "+++ b/<path>"; an empty `before` with `new_file` is shown as a new file
// ("--- /dev/null"). Empty when the texts are equal (and the file is not new).
std::string UnifiedDiff(std::string_view path, std::string_view before, std::string_view after,
                        bool new_file = false);

}  // namespace lockstep::fix
