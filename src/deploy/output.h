// Where deploy, status and resolve write: lines on stdout, errors on stderr, and a one-line
// progress display that is redrawn in place on a terminal and printed as plain periodic lines
// otherwise (CI logs). Thread-safe: the monitor thread draws progress while the deployer prints.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>

namespace lockstep::deploy {

class Printer {
 public:
  // `tty`: draw progress in place (on `out`); otherwise progress lines are ordinary lines.
  Printer(FILE* out, FILE* err, bool tty) : out_(out), err_(err), tty_(tty) {}
  // stdout/stderr, tty when stdout is a terminal and TERM is not "dumb".
  static Printer Standard();

  void Line(const std::string& text);
  void Error(const std::string& text);
  // Replaces the progress display (terminal) or prints `text` as a line.
  void Progress(const std::string& text);
  // Removes the progress display, if any.
  void ClearProgress();
  bool tty() const { return tty_; }

 private:
  void ClearLocked();
  std::mutex mu_;
  FILE* out_;
  FILE* err_;
  bool tty_;
  bool bar_shown_ = false;
};

// "[#########.........]  45%" of width `width` (the brackets included).
std::string Bar(double fraction, int width = 22);

}  // namespace lockstep::deploy
