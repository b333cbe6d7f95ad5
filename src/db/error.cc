#include "db/error.h"

namespace lockstep::db {

const char* ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidUrl:
      return "invalid-url";
    case ErrorKind::kConnect:
      return "connect";
    case ErrorKind::kAuth:
      return "auth";
    case ErrorKind::kNoDatabase:
      return "no-database";
    case ErrorKind::kServer:
      return "server";
    case ErrorKind::kConnectionLost:
      return "connection-lost";
    case ErrorKind::kClient:
      return "client";
  }
  return "unknown";
}

std::string DbError::OneLine() const {
  if (sqlstate.empty()) return message;
  return message + " (SQLSTATE " + sqlstate + ")";
}

}  // namespace lockstep::db
