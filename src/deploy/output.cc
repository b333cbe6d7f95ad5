#include "deploy/output.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "base/printable.h"

namespace lockstep::deploy {

Printer Printer::Standard() {
  const char* term = std::getenv("TERM");
  const bool tty = isatty(fileno(stdout)) && !(term && std::strcmp(term, "dumb") == 0);
  return Printer(stdout, stderr, tty);
}

void Printer::ClearLocked() {
  if (!bar_shown_) return;
  std::fputs("\r\033[K", out_);
  bar_shown_ = false;
}

void Printer::Line(const std::string& text) {
  std::lock_guard<std::mutex> lock(mu_);
  ClearLocked();
  // Lines quote folder names and server messages: their control characters must not reach the
  // terminal (a name holding ESC [2J would clear it).
  std::fputs(EscapeControlInLines(text).c_str(), out_);
  std::fputc('\n', out_);
  std::fflush(out_);
}

void Printer::Error(const std::string& text) {
  std::lock_guard<std::mutex> lock(mu_);
  ClearLocked();
  std::fflush(out_);
  std::fputs(EscapeControlInLines(text).c_str(), err_);
  std::fputc('\n', err_);
  std::fflush(err_);
}

void Printer::Progress(const std::string& text) {
  std::lock_guard<std::mutex> lock(mu_);
  if (tty_) {
    std::fputs("\r\033[K", out_);
    std::fputs(text.c_str(), out_);
    bar_shown_ = true;
  } else {
    std::fputs(text.c_str(), out_);
    std::fputc('\n', out_);
  }
  std::fflush(out_);
}

void Printer::ClearProgress() {
  std::lock_guard<std::mutex> lock(mu_);
  ClearLocked();
  std::fflush(out_);
}

std::string Bar(double fraction, int width) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  const int inner = std::max(1, width - 2);
  const int filled = static_cast<int>(std::lround(fraction * inner));
  std::string out = "[";
  out.append(filled, '#');
  out.append(inner - filled, '.');
  out += "]";
  char pct[16];
  std::snprintf(pct, sizeof pct, " %3d%%", static_cast<int>(std::lround(fraction * 100)));
  return out + pct;
}

}  // namespace lockstep::deploy
