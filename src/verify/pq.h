// Plain libpq connections for what db::Connection does not offer: COPY FROM STDIN and
// LISTEN/NOTIFY. Internal to src/verify/.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>

#include "base/status.h"
#include "db/url.h"

namespace lockstep::verify {

struct PgConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using PgConnPtr = std::unique_ptr<PGconn, PgConnCloser>;

// Connects with `info` (application_name falls back to `application`); the error is one line
// naming the endpoint, never the password.
Result<PgConnPtr> OpenPq(const db::ConnInfo& info, const std::string& application);

// The connection's last error message, without the trailing newline.
std::string PqError(PGconn* c);

// Runs `sql` (simple protocol), discarding rows.
Status PqExec(PGconn* c, const std::string& sql);

}  // namespace lockstep::verify
