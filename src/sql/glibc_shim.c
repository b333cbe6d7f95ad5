// libpg_query 18's static library (Debian sid's) was compiled against glibc 2.38 or newer, which
// added strlcpy and, for C23, routes strtoul to __isoc23_strtoul. bookworm's glibc 2.36 has
// neither, so the link fails without these. CMake compiles each only where the C library lacks it.
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#ifdef LOCKSTEP_NEED_STRLCPY
// BSD's contract, which libpg_query relies on: copies at most size - 1 bytes, always terminates
// when size > 0, and returns strlen(src) so callers can detect truncation.
size_t strlcpy(char* dst, const char* src, size_t size) {
  const size_t len = strlen(src);
  if (size > 0) {
    const size_t n = len < size - 1 ? len : size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
  }
  return len;
}
#endif

#ifdef LOCKSTEP_NEED_ISOC23_STRTOUL
// C23's strtoul differs from the older one only in accepting a "0b" prefix when base is 0 or 2.
// libpg_query's one caller is PostgreSQL's SQL scanner (scan.l), which matches a literal's digits
// and prefix itself before converting them.
unsigned long __isoc23_strtoul(const char* nptr, char** endptr, int base) {
  return strtoul(nptr, endptr, base);
}
#endif
