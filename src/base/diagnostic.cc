#include "base/diagnostic.h"

namespace lockstep {

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kHint:
      return "hint";
    case Severity::kWarning:
      return "warning";
    case Severity::kError:
      return "error";
  }
  return "warning";
}

}  // namespace lockstep
