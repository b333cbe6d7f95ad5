// Translation of libpg_query's protobuf-c tree into the typed view (sql/ast.h). The only file,
// with parser.cc, that includes the protobuf header.
#include "sql/translate.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace lockstep::sql {
namespace {

using N = PgQuery__Node;

std::string Str(const char* s) { return s ? std::string(s) : std::string(); }

// The string value of a String node, or empty.
std::string StrOf(const N* n) {
  if (n && n->node_case == PG_QUERY__NODE__NODE_STRING && n->string) return Str(n->string->sval);
  return {};
}

std::vector<std::string> Strings(N* const* nodes, size_t n) {
  std::vector<std::string> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    std::string s = StrOf(nodes[i]);
    if (!s.empty()) out.push_back(std::move(s));
  }
  return out;
}

QName FromRangeVar(const PgQuery__RangeVar* rv) {
  if (!rv) return {};
  return QName{Str(rv->schemaname), Str(rv->relname)};
}

// A dotted name given as a list of String nodes (any_name): last is the name, the one before
// it the schema.
QName FromNames(N* const* nodes, size_t n) {
  std::vector<std::string> parts = Strings(nodes, n);
  QName q;
  if (!parts.empty()) q.name = parts.back();
  if (parts.size() >= 2) q.schema = parts[parts.size() - 2];
  return q;
}

// An object in a DROP/COMMENT list: a List of Strings, a bare String, or a TypeName.
QName FromObject(const N* n) {
  if (!n) return {};
  switch (n->node_case) {
    case PG_QUERY__NODE__NODE_LIST:
      return FromNames(n->list->items, n->list->n_items);
    case PG_QUERY__NODE__NODE_STRING:
      return QName{"", StrOf(n)};
    case PG_QUERY__NODE__NODE_TYPE_NAME:
      return FromNames(n->type_name->names, n->type_name->n_names);
    case PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS:
      return FromNames(n->object_with_args->objname, n->object_with_args->n_objname);
    case PG_QUERY__NODE__NODE_RANGE_VAR:
      return FromRangeVar(n->range_var);
    default:
      return {};
  }
}

TypeRef FromTypeName(const PgQuery__TypeName* t) {
  TypeRef out;
  if (!t) return out;
  out.names = Strings(t->names, t->n_names);
  out.location = t->location;
  for (size_t i = 0; i < t->n_typmods; ++i) {
    const N* m = t->typmods[i];
    if (m && m->node_case == PG_QUERY__NODE__NODE_A_CONST && m->a_const &&
        m->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
      out.typmods.push_back(m->a_const->ival ? m->a_const->ival->ival : 0);
    } else {
      out.has_nonconst_typmods = true;
    }
  }
  out.array_dims = static_cast<int>(t->n_array_bounds);
  return out;
}

// Generic pre-order walk over every message reachable from `m`, using protobuf-c's descriptors
// so that no node type can be missed (expressions can nest anything).
template <typename F>
void Walk(const ProtobufCMessage* m, F& visit) {
  if (!m) return;
  visit(m);
  const ProtobufCMessageDescriptor* d = m->descriptor;
  const char* base = reinterpret_cast<const char*>(m);
  for (unsigned i = 0; i < d->n_fields; ++i) {
    const ProtobufCFieldDescriptor& f = d->fields[i];
    if (f.type != PROTOBUF_C_TYPE_MESSAGE) continue;
    if (f.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
      const uint32_t which = *reinterpret_cast<const uint32_t*>(base + f.quantifier_offset);
      if (which != f.id) continue;
    }
    if (f.label == PROTOBUF_C_LABEL_REPEATED) {
      const size_t n = *reinterpret_cast<const size_t*>(base + f.quantifier_offset);
      auto arr = *reinterpret_cast<ProtobufCMessage* const* const*>(base + f.offset);
      for (size_t k = 0; k < n; ++k) Walk(arr[k], visit);
    } else {
      Walk(*reinterpret_cast<ProtobufCMessage* const*>(base + f.offset), visit);
    }
  }
}

// Relations a query reads: its RangeVars, minus references to its own CTEs.
std::vector<QName> QueryReads(const N* query) {
  std::vector<QName> rels;
  std::vector<std::string> ctes;
  auto visit = [&](const ProtobufCMessage* m) {
    if (m->descriptor == &pg_query__range_var__descriptor) {
      QName q = FromRangeVar(reinterpret_cast<const PgQuery__RangeVar*>(m));
      if (std::find(rels.begin(), rels.end(), q) == rels.end()) rels.push_back(std::move(q));
    } else if (m->descriptor == &pg_query__common_table_expr__descriptor) {
      ctes.push_back(Str(reinterpret_cast<const PgQuery__CommonTableExpr*>(m)->ctename));
    }
  };
  if (query) Walk(&query->base, visit);
  rels.erase(std::remove_if(rels.begin(), rels.end(),
                            [&](const QName& q) {
                              return q.schema.empty() &&
                                     std::find(ctes.begin(), ctes.end(), q.name) != ctes.end();
                            }),
             rels.end());
  return rels;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void CollectNotNull(const N* n, std::vector<std::string>& out) {
  if (!n) return;
  if (n->node_case == PG_QUERY__NODE__NODE_NULL_TEST && n->null_test &&
      n->null_test->nulltesttype == PG_QUERY__NULL_TEST_TYPE__IS_NOT_NULL) {
    const N* arg = n->null_test->arg;
    if (arg && arg->node_case == PG_QUERY__NODE__NODE_COLUMN_REF && arg->column_ref->n_fields > 0) {
      std::string col = StrOf(arg->column_ref->fields[arg->column_ref->n_fields - 1]);
      if (!col.empty()) out.push_back(col);
    }
  } else if (n->node_case == PG_QUERY__NODE__NODE_BOOL_EXPR && n->bool_expr &&
             n->bool_expr->boolop == PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR) {
    for (size_t i = 0; i < n->bool_expr->n_args; ++i) CollectNotNull(n->bool_expr->args[i], out);
  }
}

std::string ConstText(const PgQuery__AConst* c) {
  if (!c || c->isnull) return "NULL";
  switch (c->val_case) {
    case PG_QUERY__A__CONST__VAL_IVAL: return std::to_string(c->ival ? c->ival->ival : 0);
    case PG_QUERY__A__CONST__VAL_FVAL: return Str(c->fval ? c->fval->fval : nullptr);
    case PG_QUERY__A__CONST__VAL_BOOLVAL: return c->boolval && c->boolval->boolval ? "true" : "false";
    case PG_QUERY__A__CONST__VAL_SVAL: return Str(c->sval ? c->sval->sval : nullptr);
    case PG_QUERY__A__CONST__VAL_BSVAL: return Str(c->bsval ? c->bsval->bsval : nullptr);
    default: return {};
  }
}

const char* SqlValueFunctionName(PgQuery__SQLValueFunctionOp op) {
  switch (op) {
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_DATE: return "current_date";
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIME:
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIME_N: return "current_time";
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP:
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP_N: return "current_timestamp";
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIME:
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIME_N: return "localtime";
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP:
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP_N: return "localtimestamp";
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_ROLE: return "current_role";
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_USER: return "current_user";
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_USER: return "user";
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_SESSION_USER: return "session_user";
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_CATALOG: return "current_catalog";
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_SCHEMA: return "current_schema";
    default: return "sqlvaluefunction";
  }
}

}  // namespace

std::optional<Expr> TranslateExpr(const PgQuery__Node* n) {
  if (!n) return std::nullopt;
  Expr e;
  const N* top = n;
  // Look through casts for the kind: '{}'::jsonb is a constant, now()::text a call.
  while (top->node_case == PG_QUERY__NODE__NODE_TYPE_CAST && top->type_cast->arg) {
    top = top->type_cast->arg;
  }
  switch (top->node_case) {
    case PG_QUERY__NODE__NODE_A_CONST:
      e.kind = top->a_const->isnull ? Expr::Kind::kNull : Expr::Kind::kConst;
      e.const_value = ConstText(top->a_const);
      break;
    case PG_QUERY__NODE__NODE_FUNC_CALL: e.kind = Expr::Kind::kFuncCall; break;
    case PG_QUERY__NODE__NODE_COLUMN_REF: e.kind = Expr::Kind::kColumnRef; break;
    case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION: e.kind = Expr::Kind::kSqlValueFunction; break;
    default:
      e.kind = n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST ? Expr::Kind::kTypeCast
                                                                : Expr::Kind::kOther;
  }
  auto visit = [&](const ProtobufCMessage* m) {
    const ProtobufCMessageDescriptor* d = m->descriptor;
    if (d == &pg_query__func_call__descriptor) {
      auto* f = reinterpret_cast<const PgQuery__FuncCall*>(m);
      if (f->n_funcname > 0) e.functions.push_back(Lower(StrOf(f->funcname[f->n_funcname - 1])));
      if (e.location < 0) e.location = f->location;
    } else if (d == &pg_query__sqlvalue_function__descriptor) {
      auto* f = reinterpret_cast<const PgQuery__SQLValueFunction*>(m);
      e.sql_value_functions.push_back(SqlValueFunctionName(f->op));
    } else if (d == &pg_query__column_ref__descriptor) {
      auto* c = reinterpret_cast<const PgQuery__ColumnRef*>(m);
      if (c->n_fields > 0) {
        std::string col = StrOf(c->fields[c->n_fields - 1]);
        if (!col.empty()) e.columns.push_back(col);
      }
    } else if (d == &pg_query__sub_link__descriptor) {
      e.has_subquery = true;
    }
  };
  Walk(&n->base, visit);
  // The expression's own start: the first located node at the top.
  switch (n->node_case) {
    case PG_QUERY__NODE__NODE_A_CONST: e.location = n->a_const->location; break;
    case PG_QUERY__NODE__NODE_FUNC_CALL: e.location = n->func_call->location; break;
    case PG_QUERY__NODE__NODE_TYPE_CAST: {
      // A cast's location is the '::'; its argument starts the text.
      const N* a = n->type_cast->arg;
      if (a && a->node_case == PG_QUERY__NODE__NODE_A_CONST) e.location = a->a_const->location;
      else if (a && a->node_case == PG_QUERY__NODE__NODE_FUNC_CALL) e.location = a->func_call->location;
      else e.location = n->type_cast->location;
      break;
    }
    case PG_QUERY__NODE__NODE_COLUMN_REF: e.location = n->column_ref->location; break;
    case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION: e.location = n->sqlvalue_function->location; break;
    case PG_QUERY__NODE__NODE_A_EXPR: e.location = n->a_expr->location; break;
    case PG_QUERY__NODE__NODE_BOOL_EXPR: e.location = n->bool_expr->location; break;
    case PG_QUERY__NODE__NODE_NULL_TEST: e.location = n->null_test->location; break;
    default: break;
  }
  CollectNotNull(n, e.not_null_columns);
  return e;
}

Constraint TranslateConstraint(const PgQuery__Constraint* c) {
  Constraint out;
  switch (c->contype) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_NULL: out.type = Constraint::Type::kNull; break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL: out.type = Constraint::Type::kNotNull; break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT: out.type = Constraint::Type::kDefault; break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY: out.type = Constraint::Type::kIdentity; break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED: out.type = Constraint::Type::kGenerated; break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK: out.type = Constraint::Type::kCheck; break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY: out.type = Constraint::Type::kPrimaryKey; break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE: out.type = Constraint::Type::kUnique; break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION: out.type = Constraint::Type::kExclusion; break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN: out.type = Constraint::Type::kForeignKey; break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRABLE:
    case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_NOT_DEFERRABLE:
    case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRED:
    case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_IMMEDIATE: out.type = Constraint::Type::kAttribute; break;
    default: out.type = Constraint::Type::kOther;
  }
  out.name = Str(c->conname);
  out.location = c->location;
  out.deferrable = c->deferrable;
  out.initially_deferred = c->initdeferred;
  out.nulls_not_distinct = c->nulls_not_distinct;
  out.not_valid = c->skip_validation;
  out.using_index = Str(c->indexname);
  out.generated_when = Str(c->generated_when);
  out.has_where = c->where_clause != nullptr;
  if (out.type == Constraint::Type::kForeignKey) {
    out.columns = Strings(c->fk_attrs, c->n_fk_attrs);
    out.ref_table = FromRangeVar(c->pktable);
    out.ref_columns = Strings(c->pk_attrs, c->n_pk_attrs);
    out.fk_on_delete = Str(c->fk_del_action);
    out.fk_on_update = Str(c->fk_upd_action);
  } else {
    out.columns = Strings(c->keys, c->n_keys);
    out.including = Strings(c->including, c->n_including);
  }
  if (c->raw_expr) out.expr = TranslateExpr(c->raw_expr);
  return out;
}

ColumnDef TranslateColumnDef(const PgQuery__ColumnDef* c) {
  ColumnDef out;
  out.name = Str(c->colname);
  out.type = FromTypeName(c->type_name);
  out.location = c->location;
  out.not_null = c->is_not_null;
  if (c->raw_default) out.default_expr = TranslateExpr(c->raw_default);
  if (c->coll_clause) out.collation = FromNames(c->coll_clause->collname, c->coll_clause->n_collname).name;
  if (c->identity && *c->identity) out.identity = true;
  for (size_t i = 0; i < c->n_constraints; ++i) {
    const N* n = c->constraints[i];
    if (!n || n->node_case != PG_QUERY__NODE__NODE_CONSTRAINT) continue;
    Constraint k = TranslateConstraint(n->constraint);
    switch (k.type) {
      case Constraint::Type::kNotNull: out.not_null = true; break;
      case Constraint::Type::kPrimaryKey: out.is_primary_key = true; out.not_null = true; break;
      case Constraint::Type::kUnique: out.is_unique = true; break;
      case Constraint::Type::kDefault: out.default_expr = k.expr; break;
      case Constraint::Type::kIdentity: out.identity = true; break;
      case Constraint::Type::kGenerated:
        out.generated_stored = true;
        out.generated_expr = k.expr;
        break;
      default: break;
    }
    out.constraints.push_back(std::move(k));
  }
  return out;
}

namespace {

ObjectType FromObjectType(PgQuery__ObjectType t) {
  switch (t) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE: return ObjectType::kTable;
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: return ObjectType::kIndex;
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE: return ObjectType::kSequence;
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW: return ObjectType::kView;
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW: return ObjectType::kMatView;
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE: return ObjectType::kType;
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN: return ObjectType::kDomain;
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA: return ObjectType::kSchema;
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION: return ObjectType::kFunction;
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE: return ObjectType::kProcedure;
    case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER: return ObjectType::kTrigger;
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN: return ObjectType::kColumn;
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT: return ObjectType::kConstraint;
    case PG_QUERY__OBJECT_TYPE__OBJECT_EXTENSION: return ObjectType::kExtension;
    case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY: return ObjectType::kPolicy;
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE: return ObjectType::kForeignTable;
    case PG_QUERY__OBJECT_TYPE__OBJECT_DATABASE: return ObjectType::kDatabase;
    case PG_QUERY__OBJECT_TYPE__OBJECT_RULE: return ObjectType::kRule;
    default: return ObjectType::kOther;
  }
}

AlterType FromAlterTableType(PgQuery__AlterTableType t) {
  switch (t) {
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnToView: return AlterType::kAddColumn;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_CookedColumnDefault: return AlterType::kSetDefault;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull: return AlterType::kDropNotNull;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_CheckNotNull: return AlterType::kSetNotNull;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropExpression: return AlterType::kDropExpression;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStatistics: return AlterType::kSetStatistics;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetOptions: return AlterType::kSetColumnOptions;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStorage: return AlterType::kSetStorage;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetCompression: return AlterType::kSetCompression;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumnRecurse: return AlterType::kDropColumn;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIndex:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ReAddIndex: return AlterType::kAddIndex;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ReAddConstraint: return AlterType::kAddConstraint;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterConstraint: return AlterType::kAlterConstraint;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraintRecurse: return AlterType::kValidateConstraint;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIndexConstraint: return AlterType::kAddIndexConstraint;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraintRecurse: return AlterType::kDropConstraint;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType: return AlterType::kAlterColumnType;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnGenericOptions: return AlterType::kAlterColumnGenericOptions;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ChangeOwner: return AlterType::kOwner;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ClusterOn: return AlterType::kClusterOn;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropCluster: return AlterType::kDropCluster;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetLogged: return AlterType::kSetLogged;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetUnLogged: return AlterType::kSetUnlogged;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetAccessMethod: return AlterType::kSetAccessMethod;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetTableSpace: return AlterType::kSetTablespace;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetRelOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ReplaceRelOptions: return AlterType::kSetRelOptions;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetRelOptions: return AlterType::kResetRelOptions;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigAll:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigUser: return AlterType::kEnableTrigger;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigAll:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigUser: return AlterType::kDisableTrigger;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRule:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysRule:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaRule: return AlterType::kEnableRule;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRule: return AlterType::kDisableRule;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddInherit: return AlterType::kAddInherit;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropInherit: return AlterType::kDropInherit;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddOf: return AlterType::kAddOf;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropOf: return AlterType::kDropOf;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ReplicaIdentity: return AlterType::kReplicaIdentity;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRowSecurity: return AlterType::kEnableRowSecurity;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRowSecurity: return AlterType::kDisableRowSecurity;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ForceRowSecurity: return AlterType::kForceRowSecurity;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_NoForceRowSecurity: return AlterType::kNoForceRowSecurity;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_GenericOptions: return AlterType::kGenericOptions;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition: return AlterType::kAttachPartition;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition: return AlterType::kDetachPartition;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartitionFinalize: return AlterType::kDetachPartitionFinalize;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIdentity: return AlterType::kAddIdentity;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetIdentity: return AlterType::kSetIdentity;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropIdentity: return AlterType::kDropIdentity;
    default: return AlterType::kOther;
  }
}

void TranslateCreateTable(const PgQuery__CreateStmt* c, Statement& s) {
  s.kind = Kind::kCreateTable;
  s.table = FromRangeVar(c->relation);
  s.if_not_exists = c->if_not_exists;
  if (c->relation && c->relation->relpersistence) {
    s.unlogged = c->relation->relpersistence[0] == 'u';
    s.temporary = c->relation->relpersistence[0] == 't';
  }
  s.partitioned = c->partspec != nullptr;
  if (c->partspec) {
    for (size_t i = 0; i < c->partspec->n_part_params; ++i) {
      const N* p = c->partspec->part_params[i];
      if (p && p->node_case == PG_QUERY__NODE__NODE_PARTITION_ELEM)
        s.partition_key.push_back(Str(p->partition_elem->name));
    }
  }
  for (size_t i = 0; i < c->n_table_elts; ++i) {
    const N* e = c->table_elts[i];
    if (!e) continue;
    if (e->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
      s.columns.push_back(TranslateColumnDef(e->column_def));
    } else if (e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
      s.table_constraints.push_back(TranslateConstraint(e->constraint));
    } else if (e->node_case == PG_QUERY__NODE__NODE_TABLE_LIKE_CLAUSE) {
      s.like_clause = true;
      s.reads.push_back(FromRangeVar(e->table_like_clause->relation));
    }
  }
  for (size_t i = 0; i < c->n_inh_relations; ++i) {
    const N* r = c->inh_relations[i];
    if (r && r->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) {
      QName parent = FromRangeVar(r->range_var);
      if (c->partbound) s.partition_of = parent;
      else s.inherits.push_back(parent);
    }
  }
  s.tables.push_back(s.table);
}

void TranslateAlterTable(const PgQuery__AlterTableStmt* a, Statement& s) {
  s.kind = Kind::kAlterTable;
  s.table = FromRangeVar(a->relation);
  s.tables.push_back(s.table);
  s.if_exists = a->missing_ok;
  s.only = a->relation && !a->relation->inh;
  s.object_type = FromObjectType(a->objtype);
  for (size_t i = 0; i < a->n_cmds; ++i) {
    const N* n = a->cmds[i];
    if (!n || n->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) continue;
    const PgQuery__AlterTableCmd* c = n->alter_table_cmd;
    AlterCmd cmd;
    cmd.type = FromAlterTableType(c->subtype);
    cmd.name = Str(c->name);
    cmd.if_exists = c->missing_ok;
    cmd.cascade = c->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
    const N* def = c->def;
    if (cmd.type == AlterType::kSetDefault && !def) cmd.type = AlterType::kDropDefault;
    if (def) {
      switch (def->node_case) {
        case PG_QUERY__NODE__NODE_COLUMN_DEF:
          cmd.column = TranslateColumnDef(def->column_def);
          if (cmd.name.empty()) cmd.name = cmd.column->name;
          cmd.location = def->column_def->location;
          if (cmd.type == AlterType::kAlterColumnType && def->column_def->raw_default) {
            cmd.has_using = true;
            cmd.default_expr = TranslateExpr(def->column_def->raw_default);
          }
          cmd.if_not_exists = c->missing_ok;
          break;
        case PG_QUERY__NODE__NODE_CONSTRAINT:
          cmd.constraint = TranslateConstraint(def->constraint);
          cmd.location = def->constraint->location;
          if (cmd.name.empty()) cmd.name = cmd.constraint->name;
          break;
        case PG_QUERY__NODE__NODE_PARTITION_CMD:
          cmd.partition = FromRangeVar(def->partition_cmd->name);
          cmd.concurrently = def->partition_cmd->concurrent;
          if (def->partition_cmd->name) cmd.location = def->partition_cmd->name->location;
          break;
        case PG_QUERY__NODE__NODE_LIST:
          for (size_t k = 0; k < def->list->n_items; ++k) {
            const N* item = def->list->items[k];
            if (item && item->node_case == PG_QUERY__NODE__NODE_DEF_ELEM) {
              cmd.reloptions.push_back(Str(item->def_elem->defname));
              if (cmd.location < 0) cmd.location = item->def_elem->location;
            }
          }
          break;
        default:
          if (cmd.type == AlterType::kSetDefault) cmd.default_expr = TranslateExpr(def);
          break;
      }
    }
    s.cmds.push_back(std::move(cmd));
  }
}

void TranslateIndex(const PgQuery__IndexStmt* ix, Statement& s) {
  s.kind = Kind::kCreateIndex;
  CreateIndex out;
  out.name = Str(ix->idxname);
  out.table = FromRangeVar(ix->relation);
  out.access_method = Str(ix->access_method);
  out.unique = ix->unique;
  out.concurrently = ix->concurrent;
  out.if_not_exists = ix->if_not_exists;
  out.has_where = ix->where_clause != nullptr;
  out.only = ix->relation && !ix->relation->inh;
  for (size_t i = 0; i < ix->n_index_params; ++i) {
    const N* n = ix->index_params[i];
    if (!n || n->node_case != PG_QUERY__NODE__NODE_INDEX_ELEM) continue;
    const PgQuery__IndexElem* e = n->index_elem;
    IndexElem el;
    el.column = Str(e->name);
    if (e->expr) el.expr = TranslateExpr(e->expr);
    for (size_t k = 0; k < e->n_opclass; ++k) el.opclass.push_back(StrOf(e->opclass[k]));
    el.descending = e->ordering == PG_QUERY__SORT_BY_DIR__SORTBY_DESC;
    if (e->nulls_ordering == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_FIRST) el.nulls = "first";
    if (e->nulls_ordering == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_LAST) el.nulls = "last";
    out.elems.push_back(std::move(el));
  }
  for (size_t i = 0; i < ix->n_index_including_params; ++i) {
    const N* n = ix->index_including_params[i];
    if (n && n->node_case == PG_QUERY__NODE__NODE_INDEX_ELEM) out.including.push_back(Str(n->index_elem->name));
  }
  s.table = out.table;
  s.tables.push_back(s.table);
  s.concurrently = out.concurrently;
  s.if_not_exists = out.if_not_exists;
  s.index = std::move(out);
}

std::string LockModeName(int mode) {
  static const char* const kNames[] = {"",
                                       "AccessShareLock",
                                       "RowShareLock",
                                       "RowExclusiveLock",
                                       "ShareUpdateExclusiveLock",
                                       "ShareLock",
                                       "ShareRowExclusiveLock",
                                       "ExclusiveLock",
                                       "AccessExclusiveLock"};
  return mode >= 1 && mode <= 8 ? kNames[mode] : "";
}

std::string SetValue(const PgQuery__VariableSetStmt* v) {
  if (v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT) return "DEFAULT";
  std::string out;
  for (size_t i = 0; i < v->n_args; ++i) {
    const N* a = v->args[i];
    if (!out.empty()) out += ", ";
    if (a && a->node_case == PG_QUERY__NODE__NODE_A_CONST) out += ConstText(a->a_const);
    else if (a && a->node_case == PG_QUERY__NODE__NODE_TYPE_CAST && a->type_cast->arg &&
             a->type_cast->arg->node_case == PG_QUERY__NODE__NODE_A_CONST)
      out += ConstText(a->type_cast->arg->a_const);
  }
  return out;
}

bool DefElemIsTrue(const PgQuery__DefElem* d) {
  if (!d->arg) return true;  // `VACUUM (FULL)`: no argument means on
  if (d->arg->node_case == PG_QUERY__NODE__NODE_A_CONST) {
    std::string v = Lower(ConstText(d->arg->a_const));
    return v != "false" && v != "off" && v != "0";
  }
  if (d->arg->node_case == PG_QUERY__NODE__NODE_STRING) {
    std::string v = Lower(StrOf(d->arg));
    return v != "false" && v != "off";
  }
  return true;
}

}  // namespace

void TranslateStatement(const PgQuery__Node* n, Statement& s) {
  if (!n) return;
  if (const ProtobufCFieldDescriptor* f = protobuf_c_message_descriptor_get_field(
          &pg_query__node__descriptor, static_cast<unsigned>(n->node_case))) {
    // Field names are snake_case ("alter_table_stmt"); turn into the node's CamelCase name.
    std::string name;
    bool upper = true;
    for (const char* p = f->name; *p; ++p) {
      if (*p == '_') { upper = true; continue; }
      name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(*p))) : *p;
      upper = false;
    }
    s.node_name = name;
  }
  switch (n->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_STMT: TranslateCreateTable(n->create_stmt, s); break;
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT: TranslateAlterTable(n->alter_table_stmt, s); break;
    case PG_QUERY__NODE__NODE_INDEX_STMT: TranslateIndex(n->index_stmt, s); break;
    case PG_QUERY__NODE__NODE_DROP_STMT: {
      const auto* d = n->drop_stmt;
      s.kind = Kind::kDrop;
      s.object_type = FromObjectType(d->remove_type);
      s.if_exists = d->missing_ok;
      s.cascade = d->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
      s.concurrently = d->concurrent;
      for (size_t i = 0; i < d->n_objects; ++i) s.objects.push_back(FromObject(d->objects[i]));
      if (s.object_type == ObjectType::kTable || s.object_type == ObjectType::kMatView ||
          s.object_type == ObjectType::kView || s.object_type == ObjectType::kForeignTable) {
        s.tables = s.objects;
        if (!s.tables.empty()) s.table = s.tables.front();
      }
      // DROP TRIGGER/POLICY/RULE name ON table: the object list is {table…, name}.
      if ((s.object_type == ObjectType::kTrigger || s.object_type == ObjectType::kPolicy ||
           s.object_type == ObjectType::kRule) && d->n_objects > 0 &&
          d->objects[0]->node_case == PG_QUERY__NODE__NODE_LIST) {
        const PgQuery__List* l = d->objects[0]->list;
        std::vector<std::string> parts = Strings(l->items, l->n_items);
        if (parts.size() >= 2) {
          s.table.name = parts[parts.size() - 2];
          if (parts.size() >= 3) s.table.schema = parts[parts.size() - 3];
          s.tables.push_back(s.table);
        }
      }
      break;
    }
    case PG_QUERY__NODE__NODE_RENAME_STMT: {
      const auto* r = n->rename_stmt;
      s.kind = Kind::kRename;
      s.object_type = FromObjectType(r->rename_type);
      s.table = FromRangeVar(r->relation);
      if (r->relation) s.tables.push_back(s.table);
      s.if_exists = r->missing_ok;
      s.rename_from = Str(r->subname);
      s.rename_to = Str(r->newname);
      if (s.rename_from.empty() && r->relation) s.rename_from = s.table.name;
      if (r->object) {
        QName o = FromObject(r->object);
        s.objects.push_back(o);
        if (s.rename_from.empty()) s.rename_from = o.name;
        if (s.object_type == ObjectType::kType || s.object_type == ObjectType::kDomain) s.type_name = o;
      }
      break;
    }
    case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT: {
      const auto* e = n->create_enum_stmt;
      s.kind = Kind::kCreateEnum;
      s.type_name = FromNames(e->type_name, e->n_type_name);
      s.enum_values = Strings(e->vals, e->n_vals);
      break;
    }
    case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT: {
      const auto* e = n->alter_enum_stmt;
      s.kind = Kind::kAlterEnum;
      s.type_name = FromNames(e->type_name, e->n_type_name);
      s.enum_new_value = Str(e->new_val);
      s.enum_old_value = Str(e->old_val);
      s.enum_neighbor = Str(e->new_val_neighbor);
      s.enum_after = e->new_val_is_after;
      s.if_not_exists = e->skip_if_new_val_exists;
      break;
    }
    case PG_QUERY__NODE__NODE_COMPOSITE_TYPE_STMT:
      s.kind = Kind::kCreateType;
      s.type_name = FromRangeVar(n->composite_type_stmt->typevar);
      break;
    case PG_QUERY__NODE__NODE_CREATE_RANGE_STMT:
      s.kind = Kind::kCreateType;
      s.type_name = FromNames(n->create_range_stmt->type_name, n->create_range_stmt->n_type_name);
      break;
    case PG_QUERY__NODE__NODE_DEFINE_STMT:
      if (n->define_stmt->kind == PG_QUERY__OBJECT_TYPE__OBJECT_TYPE) {
        s.kind = Kind::kCreateType;
        s.type_name = FromNames(n->define_stmt->defnames, n->define_stmt->n_defnames);
      }
      break;
    case PG_QUERY__NODE__NODE_ALTER_TYPE_STMT:
      s.kind = Kind::kAlterType;
      s.type_name = FromNames(n->alter_type_stmt->type_name, n->alter_type_stmt->n_type_name);
      break;
    case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT: {
      const auto* d = n->create_domain_stmt;
      s.kind = Kind::kCreateDomain;
      s.type_name = FromNames(d->domainname, d->n_domainname);
      s.domain_base = FromTypeName(d->type_name);
      for (size_t i = 0; i < d->n_constraints; ++i) {
        const N* c = d->constraints[i];
        if (c && c->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
          s.domain_constraints.push_back(TranslateConstraint(c->constraint));
      }
      break;
    }
    case PG_QUERY__NODE__NODE_ALTER_DOMAIN_STMT: {
      const auto* d = n->alter_domain_stmt;
      s.kind = Kind::kAlterDomain;
      s.type_name = FromNames(d->type_name, d->n_type_name);
      s.domain_subtype = Str(d->subtype);
      if (d->def && d->def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
        s.domain_constraints.push_back(TranslateConstraint(d->def->constraint));
      break;
    }
    case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT: {
      const auto* f = n->create_function_stmt;
      s.kind = Kind::kCreateFunction;
      s.type_name = FromNames(f->funcname, f->n_funcname);
      for (size_t i = 0; i < f->n_options; ++i) {
        const N* o = f->options[i];
        if (o && o->node_case == PG_QUERY__NODE__NODE_DEF_ELEM && o->def_elem->defname &&
            std::strcmp(o->def_elem->defname, "language") == 0)
          s.language = StrOf(o->def_elem->arg);
      }
      break;
    }
    case PG_QUERY__NODE__NODE_DO_STMT: s.kind = Kind::kDo; break;
    case PG_QUERY__NODE__NODE_TRANSACTION_STMT: {
      s.kind = Kind::kTransaction;
      switch (n->transaction_stmt->kind) {
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN:
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START: s.transaction = TransactionKind::kBegin; break;
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT: s.transaction = TransactionKind::kCommit; break;
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK: s.transaction = TransactionKind::kRollback; break;
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_SAVEPOINT: s.transaction = TransactionKind::kSavepoint; break;
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_RELEASE: s.transaction = TransactionKind::kRelease; break;
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_TO: s.transaction = TransactionKind::kRollbackTo; break;
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_PREPARE: s.transaction = TransactionKind::kPrepare; break;
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT_PREPARED: s.transaction = TransactionKind::kCommitPrepared; break;
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_PREPARED: s.transaction = TransactionKind::kRollbackPrepared; break;
        default: break;
      }
      break;
    }
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT: {
      const auto* v = n->variable_set_stmt;
      s.kind = Kind::kSet;
      s.set_name = Lower(Str(v->name));
      s.set_local = v->is_local;
      s.is_reset = v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET ||
                   v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL;
      if (!s.is_reset) s.set_value = SetValue(v);
      break;
    }
    case PG_QUERY__NODE__NODE_TRUNCATE_STMT: {
      const auto* t = n->truncate_stmt;
      s.kind = Kind::kTruncate;
      s.cascade = t->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
      s.restart_identity = t->restart_seqs;
      for (size_t i = 0; i < t->n_relations; ++i)
        if (t->relations[i]->node_case == PG_QUERY__NODE__NODE_RANGE_VAR)
          s.tables.push_back(FromRangeVar(t->relations[i]->range_var));
      if (!s.tables.empty()) s.table = s.tables.front();
      break;
    }
    case PG_QUERY__NODE__NODE_VACUUM_STMT: {
      const auto* v = n->vacuum_stmt;
      s.kind = Kind::kVacuum;
      s.is_analyze_only = !v->is_vacuumcmd;
      for (size_t i = 0; i < v->n_options; ++i) {
        const N* o = v->options[i];
        if (o && o->node_case == PG_QUERY__NODE__NODE_DEF_ELEM && o->def_elem->defname &&
            std::strcmp(o->def_elem->defname, "full") == 0 && DefElemIsTrue(o->def_elem))
          s.vacuum_full = true;
      }
      for (size_t i = 0; i < v->n_rels; ++i)
        if (v->rels[i]->node_case == PG_QUERY__NODE__NODE_VACUUM_RELATION)
          s.tables.push_back(FromRangeVar(v->rels[i]->vacuum_relation->relation));
      if (!s.tables.empty()) s.table = s.tables.front();
      break;
    }
    case PG_QUERY__NODE__NODE_CLUSTER_STMT:
      s.kind = Kind::kCluster;
      s.table = FromRangeVar(n->cluster_stmt->relation);
      if (n->cluster_stmt->relation) s.tables.push_back(s.table);
      break;
    case PG_QUERY__NODE__NODE_REINDEX_STMT: {
      const auto* r = n->reindex_stmt;
      s.kind = Kind::kReindex;
      switch (r->kind) {
        case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_INDEX: s.reindex_kind = "index"; break;
        case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_TABLE: s.reindex_kind = "table"; break;
        case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SCHEMA: s.reindex_kind = "schema"; break;
        case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SYSTEM: s.reindex_kind = "system"; break;
        case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_DATABASE: s.reindex_kind = "database"; break;
        default: break;
      }
      if (r->relation) {
        QName q = FromRangeVar(r->relation);
        if (s.reindex_kind == "index") s.objects.push_back(q);
        else { s.table = q; s.tables.push_back(q); }
      }
      for (size_t i = 0; i < r->n_params; ++i) {
        const N* o = r->params[i];
        if (o && o->node_case == PG_QUERY__NODE__NODE_DEF_ELEM && o->def_elem->defname &&
            std::strcmp(o->def_elem->defname, "concurrently") == 0 && DefElemIsTrue(o->def_elem))
          s.concurrently = true;
      }
      break;
    }
    case PG_QUERY__NODE__NODE_REFRESH_MAT_VIEW_STMT:
      s.kind = Kind::kRefreshMatView;
      s.table = FromRangeVar(n->refresh_mat_view_stmt->relation);
      s.tables.push_back(s.table);
      s.concurrently = n->refresh_mat_view_stmt->concurrent;
      s.with_no_data = n->refresh_mat_view_stmt->skip_data;
      break;
    case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT:
      s.kind = Kind::kCreateTrigger;
      s.table = FromRangeVar(n->create_trig_stmt->relation);
      s.tables.push_back(s.table);
      s.rename_to = Str(n->create_trig_stmt->trigname);
      break;
    case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
      s.kind = Kind::kCreateSequence;
      s.table = FromRangeVar(n->create_seq_stmt->sequence);
      s.if_not_exists = n->create_seq_stmt->if_not_exists;
      break;
    case PG_QUERY__NODE__NODE_ALTER_SEQ_STMT:
      s.kind = Kind::kAlterSequence;
      s.table = FromRangeVar(n->alter_seq_stmt->sequence);
      break;
    case PG_QUERY__NODE__NODE_COMMENT_STMT:
      s.kind = Kind::kComment;
      s.object_type = FromObjectType(n->comment_stmt->objtype);
      if (n->comment_stmt->object) s.objects.push_back(FromObject(n->comment_stmt->object));
      if (s.object_type == ObjectType::kTable && !s.objects.empty()) {
        s.table = s.objects.front();
        s.tables.push_back(s.table);
      } else if (s.object_type == ObjectType::kColumn && n->comment_stmt->object &&
                 n->comment_stmt->object->node_case == PG_QUERY__NODE__NODE_LIST) {
        const PgQuery__List* l = n->comment_stmt->object->list;
        std::vector<std::string> parts = Strings(l->items, l->n_items);
        if (parts.size() >= 2) {
          s.table.name = parts[parts.size() - 2];
          if (parts.size() >= 3) s.table.schema = parts[parts.size() - 3];
          s.tables.push_back(s.table);
        }
      }
      break;
    case PG_QUERY__NODE__NODE_GRANT_STMT:
    case PG_QUERY__NODE__NODE_GRANT_ROLE_STMT:
    case PG_QUERY__NODE__NODE_ALTER_DEFAULT_PRIVILEGES_STMT: s.kind = Kind::kGrant; break;
    case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT:
      s.kind = Kind::kCreateExtension;
      s.type_name = QName{"", Str(n->create_extension_stmt->extname)};
      s.if_not_exists = n->create_extension_stmt->if_not_exists;
      break;
    case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT:
      s.kind = Kind::kCreateSchema;
      s.type_name = QName{"", Str(n->create_schema_stmt->schemaname)};
      s.if_not_exists = n->create_schema_stmt->if_not_exists;
      break;
    case PG_QUERY__NODE__NODE_INSERT_STMT:
      s.kind = Kind::kInsert;
      s.table = FromRangeVar(n->insert_stmt->relation);
      s.tables.push_back(s.table);
      break;
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
      s.kind = Kind::kUpdate;
      s.table = FromRangeVar(n->update_stmt->relation);
      s.tables.push_back(s.table);
      break;
    case PG_QUERY__NODE__NODE_DELETE_STMT:
      s.kind = Kind::kDelete;
      s.table = FromRangeVar(n->delete_stmt->relation);
      s.tables.push_back(s.table);
      break;
    case PG_QUERY__NODE__NODE_SELECT_STMT:
      s.kind = Kind::kSelect;
      if (n->select_stmt->into_clause) {
        s.kind = Kind::kCreateTableAs;
        s.table = FromRangeVar(n->select_stmt->into_clause->rel);
        s.reads = QueryReads(n);
        std::erase(s.reads, s.table);
      }
      break;
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT: {
      const auto* c = n->create_table_as_stmt;
      s.kind = c->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW ? Kind::kCreateMatView
                                                                   : Kind::kCreateTableAs;
      if (c->into) {
        s.table = FromRangeVar(c->into->rel);
        s.with_no_data = c->into->skip_data;
      }
      s.if_not_exists = c->if_not_exists;
      s.reads = QueryReads(c->query);
      break;
    }
    case PG_QUERY__NODE__NODE_VIEW_STMT:
      s.kind = Kind::kCreateView;
      s.table = FromRangeVar(n->view_stmt->view);
      s.reads = QueryReads(n->view_stmt->query);
      break;
    case PG_QUERY__NODE__NODE_COPY_STMT:
      s.kind = Kind::kCopy;
      s.table = FromRangeVar(n->copy_stmt->relation);
      if (n->copy_stmt->relation) s.tables.push_back(s.table);
      s.copy_from_stdin = n->copy_stmt->is_from && Str(n->copy_stmt->filename).empty() && !n->copy_stmt->is_program;
      break;
    case PG_QUERY__NODE__NODE_LOCK_STMT:
      s.kind = Kind::kLock;
      for (size_t i = 0; i < n->lock_stmt->n_relations; ++i)
        if (n->lock_stmt->relations[i]->node_case == PG_QUERY__NODE__NODE_RANGE_VAR)
          s.tables.push_back(FromRangeVar(n->lock_stmt->relations[i]->range_var));
      if (!s.tables.empty()) s.table = s.tables.front();
      s.lock_mode = LockModeName(n->lock_stmt->mode);
      break;
    case PG_QUERY__NODE__NODE_ALTER_OBJECT_SCHEMA_STMT:
      s.kind = Kind::kAlterObjectSchema;
      s.object_type = FromObjectType(n->alter_object_schema_stmt->object_type);
      s.table = FromRangeVar(n->alter_object_schema_stmt->relation);
      if (n->alter_object_schema_stmt->relation) s.tables.push_back(s.table);
      s.rename_to = Str(n->alter_object_schema_stmt->newschema);
      break;
    case PG_QUERY__NODE__NODE_ALTER_OWNER_STMT:
      s.kind = Kind::kAlterOwner;
      s.object_type = FromObjectType(n->alter_owner_stmt->object_type);
      break;
    case PG_QUERY__NODE__NODE_CREATE_POLICY_STMT:
      s.kind = Kind::kCreatePolicy;
      s.table = FromRangeVar(n->create_policy_stmt->table);
      s.tables.push_back(s.table);
      break;
    case PG_QUERY__NODE__NODE_ALTER_POLICY_STMT:
      s.kind = Kind::kAlterPolicy;
      s.table = FromRangeVar(n->alter_policy_stmt->table);
      s.tables.push_back(s.table);
      break;
    case PG_QUERY__NODE__NODE_CREATEDB_STMT: s.kind = Kind::kCreateDatabase; break;
    case PG_QUERY__NODE__NODE_DROPDB_STMT:
      s.kind = Kind::kDropDatabase;
      s.type_name = QName{"", Str(n->dropdb_stmt->dbname)};
      s.if_exists = n->dropdb_stmt->missing_ok;
      break;
    case PG_QUERY__NODE__NODE_CREATE_STATS_STMT: s.kind = Kind::kCreateStatistics; break;
    default: s.kind = Kind::kOther; break;
  }
}

}  // namespace lockstep::sql
