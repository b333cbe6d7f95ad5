// The libpq functions lockstep calls, defined here under libpq's own names and resolved from
// libpq.so.5 on first use, so that commands that never connect do not load libpq and its
// dependencies at start-up (see base/shared_library.h). The compiler checks each signature
// against <libpq-fe.h>, which declares them extern "C"; these definitions inherit that linkage.
// A function lockstep starts to call must be added here: the link fails until it is.
#include <libpq-fe.h>

#include "base/shared_library.h"

namespace {

constexpr lockstep::SharedLibrary kLibpq{"libpq.so.5", "libpq5", lockstep::StatusCode::kDatabase};

}  // namespace

#define LOCKSTEP_LIBPQ(ret, name, params, args) \
  LOCKSTEP_FORWARD_TO_LIBRARY(kLibpq, ret, name, params, args)

LOCKSTEP_LIBPQ(int, PQbackendPID, (const PGconn* conn), (conn))
LOCKSTEP_LIBPQ(int, PQcancel, (PGcancel * cancel, char* errbuf, int errbufsize),
               (cancel, errbuf, errbufsize))
LOCKSTEP_LIBPQ(void, PQclear, (PGresult * res), (res))
LOCKSTEP_LIBPQ(char*, PQcmdStatus, (PGresult * res), (res))
LOCKSTEP_LIBPQ(char*, PQcmdTuples, (PGresult * res), (res))
LOCKSTEP_LIBPQ(PQconninfoOption*, PQconndefaults, (void), ())
LOCKSTEP_LIBPQ(PGconn*, PQconnectdbParams,
               (const char* const* keywords, const char* const* values, int expand_dbname),
               (keywords, values, expand_dbname))
LOCKSTEP_LIBPQ(void, PQconninfoFree, (PQconninfoOption * options), (options))
LOCKSTEP_LIBPQ(PQconninfoOption*, PQconninfoParse, (const char* conninfo, char** errmsg),
               (conninfo, errmsg))
LOCKSTEP_LIBPQ(int, PQconsumeInput, (PGconn * conn), (conn))
LOCKSTEP_LIBPQ(char*, PQerrorMessage, (const PGconn* conn), (conn))
LOCKSTEP_LIBPQ(void, PQfinish, (PGconn * conn), (conn))
LOCKSTEP_LIBPQ(char*, PQfname, (const PGresult* res, int field_num), (res, field_num))
LOCKSTEP_LIBPQ(void, PQfreeCancel, (PGcancel * cancel), (cancel))
LOCKSTEP_LIBPQ(void, PQfreemem, (void* ptr), (ptr))
LOCKSTEP_LIBPQ(PGcancel*, PQgetCancel, (PGconn * conn), (conn))
LOCKSTEP_LIBPQ(int, PQgetCopyData, (PGconn * conn, char** buffer, int async), (conn, buffer, async))
LOCKSTEP_LIBPQ(PGresult*, PQgetResult, (PGconn * conn), (conn))
LOCKSTEP_LIBPQ(int, PQgetisnull, (const PGresult* res, int tup_num, int field_num),
               (res, tup_num, field_num))
LOCKSTEP_LIBPQ(int, PQgetlength, (const PGresult* res, int tup_num, int field_num),
               (res, tup_num, field_num))
LOCKSTEP_LIBPQ(char*, PQgetvalue, (const PGresult* res, int tup_num, int field_num),
               (res, tup_num, field_num))
LOCKSTEP_LIBPQ(int, PQisBusy, (PGconn * conn), (conn))
LOCKSTEP_LIBPQ(int, PQnfields, (const PGresult* res), (res))
LOCKSTEP_LIBPQ(PGnotify*, PQnotifies, (PGconn * conn), (conn))
LOCKSTEP_LIBPQ(int, PQntuples, (const PGresult* res), (res))
LOCKSTEP_LIBPQ(PGPing, PQping, (const char* conninfo), (conninfo))
LOCKSTEP_LIBPQ(PGPing, PQpingParams,
               (const char* const* keywords, const char* const* values, int expand_dbname),
               (keywords, values, expand_dbname))
LOCKSTEP_LIBPQ(int, PQputCopyData, (PGconn * conn, const char* buffer, int nbytes),
               (conn, buffer, nbytes))
LOCKSTEP_LIBPQ(int, PQputCopyEnd, (PGconn * conn, const char* errormsg), (conn, errormsg))
LOCKSTEP_LIBPQ(char*, PQresultErrorField, (const PGresult* res, int fieldcode), (res, fieldcode))
LOCKSTEP_LIBPQ(char*, PQresultErrorMessage, (const PGresult* res), (res))
LOCKSTEP_LIBPQ(ExecStatusType, PQresultStatus, (const PGresult* res), (res))
LOCKSTEP_LIBPQ(int, PQsendQuery, (PGconn * conn, const char* query), (conn, query))
LOCKSTEP_LIBPQ(int, PQsendQueryParams,
               (PGconn * conn, const char* command, int nParams, const Oid* paramTypes,
                const char* const* paramValues, const int* paramLengths, const int* paramFormats,
                int resultFormat),
               (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats,
                resultFormat))
LOCKSTEP_LIBPQ(int, PQserverVersion, (const PGconn* conn), (conn))
LOCKSTEP_LIBPQ(PQnoticeReceiver, PQsetNoticeReceiver,
               (PGconn * conn, PQnoticeReceiver proc, void* arg), (conn, proc, arg))
LOCKSTEP_LIBPQ(int, PQsocket, (const PGconn* conn), (conn))
LOCKSTEP_LIBPQ(ConnStatusType, PQstatus, (const PGconn* conn), (conn))
