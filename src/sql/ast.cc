// Names of the typed view's enums, for messages and JSON.
#include "sql/ast.h"

namespace lockstep::sql {

std::string_view AlterTypeName(AlterType v) {
  switch (v) {
    case AlterType::kAddColumn: return "add_column";
    case AlterType::kSetDefault: return "set_default";
    case AlterType::kDropDefault: return "drop_default";
    case AlterType::kDropNotNull: return "drop_not_null";
    case AlterType::kSetNotNull: return "set_not_null";
    case AlterType::kDropExpression: return "drop_expression";
    case AlterType::kSetStatistics: return "set_statistics";
    case AlterType::kSetColumnOptions: return "set_column_options";
    case AlterType::kSetStorage: return "set_storage";
    case AlterType::kSetCompression: return "set_compression";
    case AlterType::kDropColumn: return "drop_column";
    case AlterType::kAddIndex: return "add_index";
    case AlterType::kAddConstraint: return "add_constraint";
    case AlterType::kAlterConstraint: return "alter_constraint";
    case AlterType::kValidateConstraint: return "validate_constraint";
    case AlterType::kAddIndexConstraint: return "add_index_constraint";
    case AlterType::kDropConstraint: return "drop_constraint";
    case AlterType::kAlterColumnType: return "alter_column_type";
    case AlterType::kAlterColumnGenericOptions: return "alter_column_generic_options";
    case AlterType::kOwner: return "owner";
    case AlterType::kClusterOn: return "cluster_on";
    case AlterType::kDropCluster: return "drop_cluster";
    case AlterType::kSetLogged: return "set_logged";
    case AlterType::kSetUnlogged: return "set_unlogged";
    case AlterType::kSetAccessMethod: return "set_access_method";
    case AlterType::kSetTablespace: return "set_tablespace";
    case AlterType::kSetRelOptions: return "set_rel_options";
    case AlterType::kResetRelOptions: return "reset_rel_options";
    case AlterType::kEnableTrigger: return "enable_trigger";
    case AlterType::kDisableTrigger: return "disable_trigger";
    case AlterType::kEnableRule: return "enable_rule";
    case AlterType::kDisableRule: return "disable_rule";
    case AlterType::kAddInherit: return "add_inherit";
    case AlterType::kDropInherit: return "drop_inherit";
    case AlterType::kAddOf: return "add_of";
    case AlterType::kDropOf: return "drop_of";
    case AlterType::kReplicaIdentity: return "replica_identity";
    case AlterType::kEnableRowSecurity: return "enable_row_security";
    case AlterType::kDisableRowSecurity: return "disable_row_security";
    case AlterType::kForceRowSecurity: return "force_row_security";
    case AlterType::kNoForceRowSecurity: return "no_force_row_security";
    case AlterType::kGenericOptions: return "generic_options";
    case AlterType::kAttachPartition: return "attach_partition";
    case AlterType::kDetachPartition: return "detach_partition";
    case AlterType::kDetachPartitionFinalize: return "detach_partition_finalize";
    case AlterType::kAddIdentity: return "add_identity";
    case AlterType::kSetIdentity: return "set_identity";
    case AlterType::kDropIdentity: return "drop_identity";
    case AlterType::kOther: return "other";
  }
  return "other";
}

std::string_view KindName(Kind v) {
  switch (v) {
    case Kind::kCreateTable: return "create_table";
    case Kind::kCreateTableAs: return "create_table_as";
    case Kind::kCreateView: return "create_view";
    case Kind::kCreateMatView: return "create_mat_view";
    case Kind::kAlterTable: return "alter_table";
    case Kind::kCreateIndex: return "create_index";
    case Kind::kDrop: return "drop";
    case Kind::kRename: return "rename";
    case Kind::kCreateEnum: return "create_enum";
    case Kind::kAlterEnum: return "alter_enum";
    case Kind::kCreateType: return "create_type";
    case Kind::kCreateDomain: return "create_domain";
    case Kind::kAlterDomain: return "alter_domain";
    case Kind::kCreateFunction: return "create_function";
    case Kind::kDo: return "do";
    case Kind::kTransaction: return "transaction";
    case Kind::kSet: return "set";
    case Kind::kTruncate: return "truncate";
    case Kind::kVacuum: return "vacuum";
    case Kind::kCluster: return "cluster";
    case Kind::kReindex: return "reindex";
    case Kind::kRefreshMatView: return "refresh_mat_view";
    case Kind::kCreateTrigger: return "create_trigger";
    case Kind::kCreateSequence: return "create_sequence";
    case Kind::kAlterSequence: return "alter_sequence";
    case Kind::kComment: return "comment";
    case Kind::kGrant: return "grant";
    case Kind::kCreateExtension: return "create_extension";
    case Kind::kCreateSchema: return "create_schema";
    case Kind::kInsert: return "insert";
    case Kind::kUpdate: return "update";
    case Kind::kDelete: return "delete";
    case Kind::kSelect: return "select";
    case Kind::kCall: return "call";
    case Kind::kCopy: return "copy";
    case Kind::kLock: return "lock";
    case Kind::kAlterObjectSchema: return "alter_object_schema";
    case Kind::kAlterOwner: return "alter_owner";
    case Kind::kCreatePolicy: return "create_policy";
    case Kind::kAlterPolicy: return "alter_policy";
    case Kind::kCreateDatabase: return "create_database";
    case Kind::kDropDatabase: return "drop_database";
    case Kind::kCreateStatistics: return "create_statistics";
    case Kind::kAlterType: return "alter_type";
    case Kind::kOther: return "other";
  }
  return "other";
}

std::string_view ObjectTypeName(ObjectType v) {
  switch (v) {
    case ObjectType::kTable: return "table";
    case ObjectType::kIndex: return "index";
    case ObjectType::kSequence: return "sequence";
    case ObjectType::kView: return "view";
    case ObjectType::kMatView: return "mat_view";
    case ObjectType::kType: return "type";
    case ObjectType::kDomain: return "domain";
    case ObjectType::kSchema: return "schema";
    case ObjectType::kFunction: return "function";
    case ObjectType::kProcedure: return "procedure";
    case ObjectType::kTrigger: return "trigger";
    case ObjectType::kColumn: return "column";
    case ObjectType::kConstraint: return "constraint";
    case ObjectType::kExtension: return "extension";
    case ObjectType::kPolicy: return "policy";
    case ObjectType::kForeignTable: return "foreign_table";
    case ObjectType::kDatabase: return "database";
    case ObjectType::kRule: return "rule";
    case ObjectType::kStatistics: return "statistics";
    case ObjectType::kOther: return "other";
  }
  return "other";
}

}  // namespace lockstep::sql
