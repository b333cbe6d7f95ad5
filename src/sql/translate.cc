// Translation of libpg_query's raw parse tree (PostgreSQL's own node structs) into the typed view
// (sql/ast.h). With parser.cc, the only code that sees PostgreSQL's or libpg_query's headers.
#include "sql/translate.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "sql/pg_nodes.h"  // last: the server headers define macros

namespace lockstep::sql {
namespace {

using pg::As;
using pg::Items;

std::string Str(const char* s) { return s ? std::string(s) : std::string(); }
// A one-letter code stored as a char ('a', 'u' …); empty when unset.
std::string Letter(char c) { return c ? std::string(1, c) : std::string(); }

// A DML statement's RETURNING list: PostgreSQL 18 wraps it in a ReturningClause (for its
// OLD/NEW options).
template <typename Stmt>
const List* ReturningList(const Stmt* s) {
#if PG_VERSION_NUM >= 180000
  return s->returningClause ? s->returningClause->exprs : NIL;
#else
  return s->returningList;
#endif
}

// The value of a String node, or empty.
std::string StrOf(const Node* n) {
  if (const auto* s = As<String>(n, T_String)) return Str(s->sval);
  return {};
}

std::vector<std::string> Strings(const List* l) {
  std::vector<std::string> out;
  out.reserve(Items(l).size());
  for (const Node* n : Items(l)) {
    std::string s = StrOf(n);
    if (!s.empty()) out.push_back(std::move(s));
  }
  return out;
}

QName FromRangeVar(const RangeVar* rv) {
  if (!rv) return {};
  return QName{Str(rv->schemaname), Str(rv->relname)};
}

// A dotted name given as a list of String nodes (any_name): last is the name, the one before
// it the schema.
QName FromNames(const List* l) {
  std::vector<std::string> parts = Strings(l);
  QName q;
  if (!parts.empty()) q.name = parts.back();
  if (parts.size() >= 2) q.schema = parts[parts.size() - 2];
  return q;
}

// An object in a DROP/COMMENT list: a List of Strings, a bare String, or a TypeName.
QName FromObject(const Node* n) {
  if (!n) return {};
  switch (nodeTag(n)) {
    case T_List:
      return FromNames(reinterpret_cast<const List*>(n));
    case T_String:
      return QName{"", StrOf(n)};
    case T_TypeName:
      return FromNames(reinterpret_cast<const TypeName*>(n)->names);
    case T_ObjectWithArgs:
      return FromNames(reinterpret_cast<const ObjectWithArgs*>(n)->objname);
    case T_RangeVar:
      return FromRangeVar(reinterpret_cast<const RangeVar*>(n));
    default:
      return {};
  }
}

// The names before the last of a List object ({table…, name} of DROP TRIGGER or COMMENT ON
// COLUMN): the table, schema-qualified when three or more parts.
std::optional<QName> OwnerOf(const Node* object) {
  const auto* l = As<List>(object, T_List);
  if (!l) return std::nullopt;
  std::vector<std::string> parts = Strings(l);
  if (parts.size() < 2) return std::nullopt;
  QName q;
  q.name = parts[parts.size() - 2];
  if (parts.size() >= 3) q.schema = parts[parts.size() - 3];
  return q;
}

TypeRef FromTypeName(const TypeName* t) {
  TypeRef out;
  if (!t) return out;
  out.names = Strings(t->names);
  out.location = t->location;
  for (const Node* m : Items(t->typmods)) {
    const auto* c = As<A_Const>(m, T_A_Const);
    if (c && !c->isnull && nodeTag(&c->val) == T_Integer) {
      out.typmods.push_back(c->val.ival.ival);
    } else {
      out.has_nonconst_typmods = true;
    }
  }
  out.array_dims = Items(t->arrayBounds).size();
  return out;
}

// Pre-order walk over the expression and query nodes of a raw parse tree: every node that can
// hold an expression, a query or a relation is entered; names, aliases and options are not.
// (PostgreSQL's raw_expression_tree_walker does the same but raises an error, which ends the
// process outside the parser, on a node type it does not know; this one skips it.)
template <typename F>
void Walk(const Node* n, F& visit);

// Children of operators, function calls (their arguments, windows, grouping sets) and casts.
// False for a node of another family.
template <typename F>
bool WalkOperatorChildren(const Node* n, F& visit) {
  auto walk = [&visit](const void* child) { Walk(static_cast<const Node*>(child), visit); };
  switch (nodeTag(n)) {
    case T_A_Expr: {
      const auto* e = reinterpret_cast<const A_Expr*>(n);
      walk(e->lexpr);
      walk(e->rexpr);
      return true;
    }
    case T_BoolExpr:
      walk(reinterpret_cast<const BoolExpr*>(n)->args);
      return true;
    case T_FuncCall: {
      const auto* f = reinterpret_cast<const FuncCall*>(n);
      walk(f->args);
      walk(f->agg_order);
      walk(f->agg_filter);
      walk(f->over);
      return true;
    }
    case T_WindowDef: {
      const auto* w = reinterpret_cast<const WindowDef*>(n);
      walk(w->partitionClause);
      walk(w->orderClause);
      walk(w->startOffset);
      walk(w->endOffset);
      return true;
    }
    case T_SortBy:
      walk(reinterpret_cast<const SortBy*>(n)->node);
      return true;
    case T_TypeCast: {
      const auto* c = reinterpret_cast<const TypeCast*>(n);
      walk(c->arg);
      walk(c->typeName);
      return true;
    }
    case T_TypeName:
      walk(reinterpret_cast<const TypeName*>(n)->typmods);
      return true;
    case T_CollateClause:
      walk(reinterpret_cast<const CollateClause*>(n)->arg);
      return true;
    case T_NullTest:
      walk(reinterpret_cast<const NullTest*>(n)->arg);
      return true;
    case T_BooleanTest:
      walk(reinterpret_cast<const BooleanTest*>(n)->arg);
      return true;
    case T_NamedArgExpr:
      walk(reinterpret_cast<const NamedArgExpr*>(n)->arg);
      return true;
    case T_GroupingFunc:
      walk(reinterpret_cast<const GroupingFunc*>(n)->args);
      return true;
    case T_GroupingSet:
      walk(reinterpret_cast<const GroupingSet*>(n)->content);
      return true;
    default:
      return false;
  }
}

// Children of expressions built from others: CASE, COALESCE, arrays, rows, sub-links, subscripts,
// target entries, XML. False for a node of another family.
template <typename F>
bool WalkCompoundExpressionChildren(const Node* n, F& visit) {
  auto walk = [&visit](const void* child) { Walk(static_cast<const Node*>(child), visit); };
  switch (nodeTag(n)) {
    case T_CaseExpr: {
      const auto* c = reinterpret_cast<const CaseExpr*>(n);
      walk(c->arg);
      walk(c->args);
      walk(c->defresult);
      return true;
    }
    case T_CaseWhen: {
      const auto* c = reinterpret_cast<const CaseWhen*>(n);
      walk(c->expr);
      walk(c->result);
      return true;
    }
    case T_CoalesceExpr:
      walk(reinterpret_cast<const CoalesceExpr*>(n)->args);
      return true;
    case T_MinMaxExpr:
      walk(reinterpret_cast<const MinMaxExpr*>(n)->args);
      return true;
    case T_A_ArrayExpr:
      walk(reinterpret_cast<const A_ArrayExpr*>(n)->elements);
      return true;
    case T_RowExpr:
      walk(reinterpret_cast<const RowExpr*>(n)->args);
      return true;
    case T_SubLink: {
      const auto* s = reinterpret_cast<const SubLink*>(n);
      walk(s->testexpr);
      walk(s->subselect);
      return true;
    }
    case T_A_Indirection: {
      const auto* a = reinterpret_cast<const A_Indirection*>(n);
      walk(a->arg);
      walk(a->indirection);
      return true;
    }
    case T_A_Indices: {
      const auto* a = reinterpret_cast<const A_Indices*>(n);
      walk(a->lidx);
      walk(a->uidx);
      return true;
    }
    case T_ResTarget: {
      const auto* r = reinterpret_cast<const ResTarget*>(n);
      walk(r->indirection);
      walk(r->val);
      return true;
    }
    case T_MultiAssignRef:
      walk(reinterpret_cast<const MultiAssignRef*>(n)->source);
      return true;
    case T_XmlExpr: {
      const auto* x = reinterpret_cast<const XmlExpr*>(n);
      walk(x->named_args);
      walk(x->args);
      return true;
    }
    case T_XmlSerialize: {
      const auto* x = reinterpret_cast<const XmlSerialize*>(n);
      walk(x->expr);
      walk(x->typeName);
      return true;
    }
    default:
      return false;
  }
}

// Children of a SELECT and of what its FROM and WITH clauses hold. False for a node of another
// family.
template <typename F>
bool WalkQueryChildren(const Node* n, F& visit) {
  auto walk = [&visit](const void* child) { Walk(static_cast<const Node*>(child), visit); };
  switch (nodeTag(n)) {
    case T_SelectStmt: {
      const auto* s = reinterpret_cast<const SelectStmt*>(n);
      walk(s->distinctClause);
      walk(s->intoClause);
      walk(s->targetList);
      walk(s->fromClause);
      walk(s->whereClause);
      walk(s->groupClause);
      walk(s->havingClause);
      walk(s->windowClause);
      walk(s->valuesLists);
      walk(s->sortClause);
      walk(s->limitOffset);
      walk(s->limitCount);
      walk(s->lockingClause);
      walk(s->withClause);
      walk(s->larg);
      walk(s->rarg);
      return true;
    }
    case T_IntoClause:
      walk(reinterpret_cast<const IntoClause*>(n)->rel);
      return true;
    case T_LockingClause:
      walk(reinterpret_cast<const LockingClause*>(n)->lockedRels);
      return true;
    case T_RangeSubselect:
      walk(reinterpret_cast<const RangeSubselect*>(n)->subquery);
      return true;
    case T_RangeFunction:
      walk(reinterpret_cast<const RangeFunction*>(n)->functions);
      return true;
    case T_RangeTableSample: {
      const auto* r = reinterpret_cast<const RangeTableSample*>(n);
      walk(r->relation);
      walk(r->args);
      walk(r->repeatable);
      return true;
    }
    case T_RangeTableFunc: {
      const auto* r = reinterpret_cast<const RangeTableFunc*>(n);
      walk(r->docexpr);
      walk(r->rowexpr);
      walk(r->columns);
      return true;
    }
    case T_RangeTableFuncCol: {
      const auto* c = reinterpret_cast<const RangeTableFuncCol*>(n);
      walk(c->colexpr);
      walk(c->coldefexpr);
      return true;
    }
    case T_JoinExpr: {
      const auto* j = reinterpret_cast<const JoinExpr*>(n);
      walk(j->larg);
      walk(j->rarg);
      walk(j->quals);
      return true;
    }
    case T_WithClause:
      walk(reinterpret_cast<const WithClause*>(n)->ctes);
      return true;
    case T_CommonTableExpr:
      walk(reinterpret_cast<const CommonTableExpr*>(n)->ctequery);
      return true;
    default:
      return false;
  }
}

// Children of INSERT, UPDATE, DELETE, MERGE (and their clauses) and EXECUTE. False for a node of
// another family.
template <typename F>
bool WalkDmlChildren(const Node* n, F& visit) {
  auto walk = [&visit](const void* child) { Walk(static_cast<const Node*>(child), visit); };
  switch (nodeTag(n)) {
    case T_InsertStmt: {
      const auto* s = reinterpret_cast<const InsertStmt*>(n);
      walk(s->relation);
      walk(s->selectStmt);
      walk(s->onConflictClause);
      walk(ReturningList(s));
      walk(s->withClause);
      return true;
    }
    case T_UpdateStmt: {
      const auto* s = reinterpret_cast<const UpdateStmt*>(n);
      walk(s->relation);
      walk(s->targetList);
      walk(s->whereClause);
      walk(s->fromClause);
      walk(ReturningList(s));
      walk(s->withClause);
      return true;
    }
    case T_DeleteStmt: {
      const auto* s = reinterpret_cast<const DeleteStmt*>(n);
      walk(s->relation);
      walk(s->usingClause);
      walk(s->whereClause);
      walk(ReturningList(s));
      walk(s->withClause);
      return true;
    }
    case T_MergeStmt: {
      const auto* s = reinterpret_cast<const MergeStmt*>(n);
      walk(s->relation);
      walk(s->sourceRelation);
      walk(s->joinCondition);
      walk(s->mergeWhenClauses);
#if PG_VERSION_NUM >= 170000
      walk(ReturningList(s));  // MERGE … RETURNING: PostgreSQL 17
#endif
      walk(s->withClause);
      return true;
    }
    case T_MergeWhenClause: {
      const auto* m = reinterpret_cast<const MergeWhenClause*>(n);
      walk(m->condition);
      walk(m->targetList);
      walk(m->values);
      return true;
    }
    case T_OnConflictClause: {
      const auto* o = reinterpret_cast<const OnConflictClause*>(n);
      walk(o->infer);
      walk(o->targetList);
      walk(o->whereClause);
      return true;
    }
    case T_InferClause: {
      const auto* i = reinterpret_cast<const InferClause*>(n);
      walk(i->indexElems);
      walk(i->whereClause);
      return true;
    }
    case T_IndexElem:
      walk(reinterpret_cast<const ::IndexElem*>(n)->expr);
      return true;
    case T_ExecuteStmt:
      walk(reinterpret_cast<const ExecuteStmt*>(n)->params);
      return true;
    default:
      return false;
  }
}

// Children of SQL/JSON nodes (none before PostgreSQL 16). False for a node of another family.
template <typename F>
bool WalkJsonChildren(const Node* n, F& visit) {
  [[maybe_unused]] auto walk = [&visit](const void* child) {
    Walk(static_cast<const Node*>(child), visit);
  };
  switch (nodeTag(n)) {
#if PG_VERSION_NUM >= 160000
    // SQL/JSON (PostgreSQL 16: constructors and IS JSON; 17: JSON_TABLE and the query
    // functions): their arguments can call functions and hold sub-queries.
    case T_JsonValueExpr:
      walk(reinterpret_cast<const JsonValueExpr*>(n)->raw_expr);
      return true;
    case T_JsonIsPredicate:
      walk(reinterpret_cast<const JsonIsPredicate*>(n)->expr);
      return true;
    case T_JsonKeyValue: {
      const auto* k = reinterpret_cast<const JsonKeyValue*>(n);
      walk(k->key);
      walk(k->value);
      return true;
    }
    case T_JsonObjectConstructor:
      walk(reinterpret_cast<const JsonObjectConstructor*>(n)->exprs);
      return true;
    case T_JsonArrayConstructor:
      walk(reinterpret_cast<const JsonArrayConstructor*>(n)->exprs);
      return true;
#endif
#if PG_VERSION_NUM >= 170000
    case T_JsonArgument:
      walk(reinterpret_cast<const JsonArgument*>(n)->val);
      return true;
    case T_JsonFuncExpr: {
      const auto* f = reinterpret_cast<const JsonFuncExpr*>(n);
      walk(f->context_item);
      walk(f->pathspec);
      walk(f->passing);
      return true;
    }
    case T_JsonTable: {
      const auto* j = reinterpret_cast<const JsonTable*>(n);
      walk(j->context_item);
      walk(j->passing);
      return true;
    }
#endif
    default:
      return false;
  }
}

template <typename F>
void Walk(const Node* n, F& visit) {
  if (!n) return;
  if (nodeTag(n) == T_List) {
    for (const Node* item : Items(reinterpret_cast<const List*>(n))) Walk(item, visit);
    return;
  }
  visit(n);
  // Each family walks the children of its own node types; a leaf (RangeVar, ColumnRef, A_Const,
  // ParamRef, SQLValueFunction …) is in none.
  if (WalkOperatorChildren(n, visit) || WalkCompoundExpressionChildren(n, visit)) return;
  if (WalkQueryChildren(n, visit) || WalkDmlChildren(n, visit)) return;
  WalkJsonChildren(n, visit);
}

// Relations a query reads: its RangeVars, minus references to its own CTEs.
std::vector<QName> QueryReads(const Node* query) {
  std::vector<QName> rels;
  std::vector<std::string> ctes;
  auto visit = [&](const Node* n) {
    if (const auto* rv = As<RangeVar>(n, T_RangeVar)) {
      QName q = FromRangeVar(rv);
      if (std::find(rels.begin(), rels.end(), q) == rels.end()) rels.push_back(std::move(q));
    } else if (const auto* cte = As<CommonTableExpr>(n, T_CommonTableExpr)) {
      ctes.push_back(Str(cte->ctename));
    }
  };
  Walk(query, visit);
  std::erase_if(rels, [&](const QName& q) {
    return q.schema.empty() && std::find(ctes.begin(), ctes.end(), q.name) != ctes.end();
  });
  return rels;
}

// Every function called anywhere in a statement or expression, by name as written.
std::vector<QName> QueryCalls(const Node* query) {
  std::vector<QName> out;
  auto visit = [&](const Node* n) {
    if (const auto* f = As<FuncCall>(n, T_FuncCall)) {
      QName q = FromNames(f->funcname);
      if (std::find(out.begin(), out.end(), q) == out.end()) out.push_back(std::move(q));
    }
  };
  Walk(query, visit);
  return out;
}

// The relations a DML statement reads besides its target (UPDATE … FROM, DELETE … USING,
// INSERT … SELECT, sub-queries): the target itself is left out unless it is read under another
// name.
std::vector<QName> ReadsBesides(const Node* stmt, const QName& target) {
  std::vector<QName> reads = QueryReads(stmt);
  auto it = std::find(reads.begin(), reads.end(), target);
  if (it != reads.end()) reads.erase(it);
  return reads;
}

// A routine's source: the string of its AS option (DO's only argument, or CREATE FUNCTION's
// single AS string; a C function's two strings are no source).
std::string RoutineSource(const List* options) {
  for (const Node* o : Items(options)) {
    const auto* d = As<DefElem>(o, T_DefElem);
    if (!d || !d->defname || std::strcmp(d->defname, "as") != 0) continue;
    if (const auto* l = As<List>(d->arg, T_List)) {
      return Items(l).size() == 1 ? StrOf(static_cast<const Node*>(linitial(l))) : std::string();
    }
    return StrOf(d->arg);
  }
  return {};
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The last field of a column reference (`t.col` -> col), or empty for `t.*`.
std::string ColumnOf(const ColumnRef* c) {
  return c && c->fields ? StrOf(static_cast<const Node*>(llast(c->fields))) : std::string();
}

void CollectNotNull(const Node* n, std::vector<std::string>& out) {
  if (const auto* t = As<NullTest>(n, T_NullTest)) {
    if (t->nulltesttype != IS_NOT_NULL) return;
    std::string col = ColumnOf(As<ColumnRef>(reinterpret_cast<const Node*>(t->arg), T_ColumnRef));
    if (!col.empty()) out.push_back(std::move(col));
  } else if (const auto* b = As<BoolExpr>(n, T_BoolExpr)) {
    if (b->boolop != AND_EXPR) return;
    for (const Node* a : Items(b->args)) CollectNotNull(a, out);
  }
}

std::string ConstText(const A_Const* c) {
  if (!c || c->isnull) return "NULL";
  switch (nodeTag(&c->val)) {
    case T_Integer:
      return std::to_string(c->val.ival.ival);
    case T_Float:
      return Str(c->val.fval.fval);
    case T_Boolean:
      return c->val.boolval.boolval ? "true" : "false";
    case T_String:
      return Str(c->val.sval.sval);
    case T_BitString:
      return Str(c->val.bsval.bsval);
    default:
      return {};
  }
}

std::vector<const Node*> NodesOf(const List* l) {
  std::vector<const Node*> out;
  for (const Node* n : Items(l)) out.push_back(n);
  return out;
}

// A constant (through casts: 'a'::text), as text; nullopt for anything else or NULL.
std::optional<std::string> ConstOf(const Node* n) {
  while (const auto* c = As<TypeCast>(n, T_TypeCast)) n = c->arg;
  const auto* k = As<A_Const>(n, T_A_Const);
  if (!k || k->isnull) return std::nullopt;
  return ConstText(k);
}

std::optional<double> NumberOf(const Node* n) {
  const std::optional<std::string> text = ConstOf(n);
  if (!text || text->empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text->c_str(), &end);
  if (*end != '\0') return std::nullopt;
  return v;
}

// A column reference (through casts: "status"::text), or empty.
std::string ColumnOfNode(const Node* n) {
  while (const auto* c = As<TypeCast>(n, T_TypeCast)) n = c->arg;
  return ColumnOf(As<ColumnRef>(n, T_ColumnRef));
}

// Appends the single-column conditions `n` consists of; false when it is anything else.
bool CollectConditions(const Node* n, std::vector<ColumnCondition>& out) {
  if (const auto* b = As<BoolExpr>(n, T_BoolExpr)) {
    const std::vector<const Node*> args = NodesOf(b->args);
    if (b->boolop == AND_EXPR) {
      for (const Node* a : args)
        if (!CollectConditions(a, out)) return false;
      return true;
    }
    if (b->boolop != OR_EXPR || args.size() != 2) return false;
    // `c IS NULL OR <conditions on c>`: rows that satisfy the conditions satisfy it.
    for (size_t i = 0; i < 2; ++i) {
      const auto* t = As<NullTest>(args[i], T_NullTest);
      if (!t || t->nulltesttype != IS_NULL) continue;
      const std::string col = ColumnOfNode(reinterpret_cast<const Node*>(t->arg));
      std::vector<ColumnCondition> rest;
      if (col.empty() || !CollectConditions(args[1 - i], rest)) return false;
      for (const ColumnCondition& c : rest)
        if (c.column != col) return false;
      out.insert(out.end(), rest.begin(), rest.end());
      return true;
    }
    return false;
  }
  if (const auto* t = As<NullTest>(n, T_NullTest)) {
    const std::string col = ColumnOfNode(reinterpret_cast<const Node*>(t->arg));
    if (col.empty() || t->nulltesttype != IS_NOT_NULL) return false;
    ColumnCondition c;
    c.column = col;
    c.not_null = true;
    out.push_back(std::move(c));
    return true;
  }
  const auto* e = As<A_Expr>(n, T_A_Expr);
  if (!e || Items(e->name).size() != 1) return false;
  const std::string op = StrOf(static_cast<const Node*>(linitial(e->name)));
  ColumnCondition c;
  switch (e->kind) {
    case AEXPR_IN: {
      c.column = ColumnOfNode(e->lexpr);
      if (op != "=" || c.column.empty() || !e->rexpr || nodeTag(e->rexpr) != T_List) return false;
      for (const Node* v : NodesOf(reinterpret_cast<const List*>(e->rexpr))) {
        std::optional<std::string> k = ConstOf(v);
        if (!k) return false;
        c.values.push_back(std::move(*k));
      }
      break;
    }
    case AEXPR_BETWEEN: {
      c.column = ColumnOfNode(e->lexpr);
      if (c.column.empty() || !e->rexpr || nodeTag(e->rexpr) != T_List) return false;
      const std::vector<const Node*> bounds = NodesOf(reinterpret_cast<const List*>(e->rexpr));
      if (bounds.size() != 2) return false;
      c.min = NumberOf(bounds[0]);
      c.max = NumberOf(bounds[1]);
      if (!c.min || !c.max) return false;
      break;
    }
    case AEXPR_OP: {
      // `c op k`, or `k op c` read as `c op' k`.
      std::string flipped = op;
      c.column = ColumnOfNode(e->lexpr);
      const Node* constant = e->rexpr;
      if (c.column.empty()) {
        c.column = ColumnOfNode(e->rexpr);
        constant = e->lexpr;
        if (op == "<") flipped = ">";
        if (op == "<=") flipped = ">=";
        if (op == ">") flipped = "<";
        if (op == ">=") flipped = "<=";
      }
      if (c.column.empty()) return false;
      if (flipped == "=") {
        std::optional<std::string> k = ConstOf(constant);
        if (!k) return false;
        c.values.push_back(std::move(*k));
        break;
      }
      const std::optional<double> k = NumberOf(constant);
      if (!k) return false;
      if (flipped == ">=" || flipped == ">") {
        c.min = k;
        c.min_exclusive = flipped == ">";
      } else if (flipped == "<=" || flipped == "<") {
        c.max = k;
        c.max_exclusive = flipped == "<";
      } else {
        return false;
      }
      break;
    }
    default:
      return false;
  }
  out.push_back(std::move(c));
  return true;
}

const char* SqlValueFunctionName(SQLValueFunctionOp op) {
  switch (op) {
    case SVFOP_CURRENT_DATE:
      return "current_date";
    case SVFOP_CURRENT_TIME:
    case SVFOP_CURRENT_TIME_N:
      return "current_time";
    case SVFOP_CURRENT_TIMESTAMP:
    case SVFOP_CURRENT_TIMESTAMP_N:
      return "current_timestamp";
    case SVFOP_LOCALTIME:
    case SVFOP_LOCALTIME_N:
      return "localtime";
    case SVFOP_LOCALTIMESTAMP:
    case SVFOP_LOCALTIMESTAMP_N:
      return "localtimestamp";
    case SVFOP_CURRENT_ROLE:
      return "current_role";
    case SVFOP_CURRENT_USER:
      return "current_user";
    case SVFOP_USER:
      return "user";
    case SVFOP_SESSION_USER:
      return "session_user";
    case SVFOP_CURRENT_CATALOG:
      return "current_catalog";
    case SVFOP_CURRENT_SCHEMA:
      return "current_schema";
  }
  return "sqlvaluefunction";
}

// The byte offset where an expression's text starts, for the top nodes that record one.
std::optional<int> ExprLocation(const Node* n) {
  switch (nodeTag(n)) {
    case T_A_Const:
      return reinterpret_cast<const A_Const*>(n)->location;
    case T_FuncCall:
      return reinterpret_cast<const FuncCall*>(n)->location;
    case T_TypeCast: {
      // A cast's location is the '::'; its argument starts the text.
      const auto* c = reinterpret_cast<const TypeCast*>(n);
      if (const auto* a = As<A_Const>(c->arg, T_A_Const)) return a->location;
      if (const auto* f = As<FuncCall>(c->arg, T_FuncCall)) return f->location;
      return c->location;
    }
    case T_ColumnRef:
      return reinterpret_cast<const ColumnRef*>(n)->location;
    case T_SQLValueFunction:
      return reinterpret_cast<const SQLValueFunction*>(n)->location;
    case T_A_Expr:
      return reinterpret_cast<const A_Expr*>(n)->location;
    case T_BoolExpr:
      return reinterpret_cast<const BoolExpr*>(n)->location;
    case T_NullTest:
      return reinterpret_cast<const NullTest*>(n)->location;
    default:
      return std::nullopt;
  }
}

std::optional<Expr> TranslateExpr(const Node* n) {
  if (!n) return std::nullopt;
  Expr e;
  const Node* top = n;
  // Look through casts for the kind: '{}'::jsonb is a constant, now()::text a call.
  while (const auto* c = As<TypeCast>(top, T_TypeCast)) {
    if (!c->arg) break;
    top = c->arg;
  }
  switch (nodeTag(top)) {
    case T_A_Const: {
      const auto* c = reinterpret_cast<const A_Const*>(top);
      e.kind = c->isnull ? Expr::Kind::kNull : Expr::Kind::kConst;
      e.const_value = ConstText(c);
      break;
    }
    case T_FuncCall:
      e.kind = Expr::Kind::kFuncCall;
      break;
    case T_ColumnRef:
      e.kind = Expr::Kind::kColumnRef;
      break;
    case T_SQLValueFunction:
      e.kind = Expr::Kind::kSqlValueFunction;
      break;
    default:
      e.kind = nodeTag(n) == T_TypeCast ? Expr::Kind::kTypeCast : Expr::Kind::kOther;
  }
  auto visit = [&](const Node* m) {
    switch (nodeTag(m)) {
      case T_FuncCall: {
        const auto* f = reinterpret_cast<const FuncCall*>(m);
        if (f->funcname)
          e.functions.push_back(Lower(StrOf(static_cast<const Node*>(llast(f->funcname)))));
        if (e.location < 0) e.location = f->location;
        break;
      }
      case T_SQLValueFunction:
        e.sql_value_functions.push_back(
            SqlValueFunctionName(reinterpret_cast<const SQLValueFunction*>(m)->op));
        break;
      case T_ColumnRef: {
        std::string col = ColumnOf(reinterpret_cast<const ColumnRef*>(m));
        if (!col.empty()) e.columns.push_back(std::move(col));
        break;
      }
      case T_SubLink:
        e.has_subquery = true;
        break;
      case T_TypeCast: {
        const auto* c = reinterpret_cast<const TypeCast*>(m);
        if (c->typeName && c->typeName->names)
          e.cast_types.push_back(StrOf(static_cast<const Node*>(llast(c->typeName->names))));
        break;
      }
      default:
        break;
    }
  };
  Walk(n, visit);
  // The expression's own start: the first located node at the top.
  if (const std::optional<int> loc = ExprLocation(n)) e.location = *loc;
  CollectNotNull(n, e.not_null_columns);
  if (std::vector<ColumnCondition> conditions; CollectConditions(n, conditions))
    e.column_conditions = std::move(conditions);
  return e;
}

Constraint TranslateConstraint(const ::Constraint* c) {
  Constraint out;
  switch (c->contype) {
    case CONSTR_NULL:
      out.type = Constraint::Type::kNull;
      break;
    case CONSTR_NOTNULL:
      out.type = Constraint::Type::kNotNull;
      break;
    case CONSTR_DEFAULT:
      out.type = Constraint::Type::kDefault;
      break;
    case CONSTR_IDENTITY:
      out.type = Constraint::Type::kIdentity;
      break;
    case CONSTR_GENERATED:
      out.type = Constraint::Type::kGenerated;
      break;
    case CONSTR_CHECK:
      out.type = Constraint::Type::kCheck;
      break;
    case CONSTR_PRIMARY:
      out.type = Constraint::Type::kPrimaryKey;
      break;
    case CONSTR_UNIQUE:
      out.type = Constraint::Type::kUnique;
      break;
    case CONSTR_EXCLUSION:
      out.type = Constraint::Type::kExclusion;
      break;
    case CONSTR_FOREIGN:
      out.type = Constraint::Type::kForeignKey;
      break;
    case CONSTR_ATTR_DEFERRABLE:
    case CONSTR_ATTR_NOT_DEFERRABLE:
    case CONSTR_ATTR_DEFERRED:
    case CONSTR_ATTR_IMMEDIATE:
#if PG_VERSION_NUM >= 180000
    case CONSTR_ATTR_ENFORCED:
    case CONSTR_ATTR_NOT_ENFORCED:
#endif
      out.type = Constraint::Type::kAttribute;
      break;
  }
  out.name = Str(c->conname);
  out.location = c->location;
  out.deferrable = c->deferrable;
  out.initially_deferred = c->initdeferred;
  out.nulls_not_distinct = c->nulls_not_distinct;
  out.not_valid = c->skip_validation;
  out.using_index = Str(c->indexname);
  out.generated_when = Letter(c->generated_when);
  if (c->contype == CONSTR_IDENTITY)
    for (const Node* o : Items(c->options)) {
      const auto* d = As<DefElem>(o, T_DefElem);
      if (d && d->defname && std::strcmp(d->defname, "sequence_name") == 0)
        out.names_sequence = true;
    }
#if PG_VERSION_NUM >= 180000
  // Only CHECK and FOREIGN KEY can be NOT ENFORCED. The grammar sets is_enforced on a table
  // constraint itself, and after a column constraint emits a CONSTR_ATTR_NOT_ENFORCED item
  // (TranslateColumnDef folds it into the constraint before it).
  out.not_enforced =
      ((c->contype == CONSTR_CHECK || c->contype == CONSTR_FOREIGN) && !c->is_enforced) ||
      c->contype == CONSTR_ATTR_NOT_ENFORCED;
  out.generated_virtual = c->contype == CONSTR_GENERATED && c->generated_kind == 'v';
  // PostgreSQL 18 also sets skip_validation for NOT ENFORCED (such a constraint is never
  // validated, and VALIDATE CONSTRAINT refuses it): not_valid stays what NOT VALID means, a
  // constraint to validate later.
  if (out.not_enforced) out.not_valid = false;
#endif
  out.has_where = c->where_clause != nullptr;
  if (out.type == Constraint::Type::kForeignKey) {
    out.columns = Strings(c->fk_attrs);
    out.ref_table = FromRangeVar(c->pktable);
    out.ref_columns = Strings(c->pk_attrs);
    out.fk_on_delete = Letter(c->fk_del_action);
    out.fk_on_update = Letter(c->fk_upd_action);
  } else {
    out.columns = Strings(c->keys);
    out.including = Strings(c->including);
  }
  if (c->raw_expr) out.expr = TranslateExpr(c->raw_expr);
  return out;
}

ColumnDef TranslateColumnDef(const ::ColumnDef* c) {
  ColumnDef out;
  out.name = Str(c->colname);
  out.type = FromTypeName(c->typeName);
  out.location = c->location;
  out.not_null = c->is_not_null;
  if (c->raw_default) out.default_expr = TranslateExpr(c->raw_default);
  if (c->collClause) out.collation = FromNames(c->collClause->collname).name;
  if (c->identity) out.identity = true;
  for (const Node* n : Items(c->constraints)) {
    const auto* raw = As<::Constraint>(n, T_Constraint);
    if (!raw) continue;
    Constraint k = TranslateConstraint(raw);
    switch (k.type) {
      case Constraint::Type::kNotNull:
        out.not_null = true;
        break;
      case Constraint::Type::kPrimaryKey:
        out.is_primary_key = true;
        out.not_null = true;
        break;
      case Constraint::Type::kUnique:
        out.is_unique = true;
        break;
      case Constraint::Type::kDefault:
        out.default_expr = k.expr;
        break;
      case Constraint::Type::kIdentity:
        out.identity = true;
        break;
      case Constraint::Type::kGenerated:
        (k.generated_virtual ? out.generated_virtual : out.generated_stored) = true;
        out.generated_expr = k.expr;
        break;
      case Constraint::Type::kAttribute:
        // `REFERENCES p NOT ENFORCED`: the attribute belongs to the constraint before it.
        if (k.not_enforced && !out.constraints.empty()) {
          out.constraints.back().not_enforced = true;
          k.not_enforced = false;
        }
        break;
      default:
        break;
    }
    out.constraints.push_back(std::move(k));
  }
  return out;
}

ObjectType FromObjectType(::ObjectType t) {
  switch (t) {
    case OBJECT_TABLE:
      return ObjectType::kTable;
    case OBJECT_INDEX:
      return ObjectType::kIndex;
    case OBJECT_SEQUENCE:
      return ObjectType::kSequence;
    case OBJECT_VIEW:
      return ObjectType::kView;
    case OBJECT_MATVIEW:
      return ObjectType::kMatView;
    case OBJECT_TYPE:
      return ObjectType::kType;
    case OBJECT_DOMAIN:
      return ObjectType::kDomain;
    case OBJECT_SCHEMA:
      return ObjectType::kSchema;
    case OBJECT_FUNCTION:
      return ObjectType::kFunction;
    case OBJECT_PROCEDURE:
      return ObjectType::kProcedure;
    case OBJECT_TRIGGER:
      return ObjectType::kTrigger;
    case OBJECT_COLUMN:
      return ObjectType::kColumn;
    case OBJECT_TABCONSTRAINT:
      return ObjectType::kConstraint;
    case OBJECT_EXTENSION:
      return ObjectType::kExtension;
    case OBJECT_POLICY:
      return ObjectType::kPolicy;
    case OBJECT_FOREIGN_TABLE:
      return ObjectType::kForeignTable;
    case OBJECT_DATABASE:
      return ObjectType::kDatabase;
    case OBJECT_RULE:
      return ObjectType::kRule;
    case OBJECT_STATISTIC_EXT:
      return ObjectType::kStatistics;
    default:
      return ObjectType::kOther;
  }
}

AlterType FromAlterTableType(AlterTableType t) {
  switch (t) {
    case AT_AddColumn:
#if PG_VERSION_NUM < 160000  // folded into the plain commands in PostgreSQL 16
    case AT_AddColumnRecurse:
#endif
    case AT_AddColumnToView:
      return AlterType::kAddColumn;
    case AT_ColumnDefault:
    case AT_CookedColumnDefault:
      return AlterType::kSetDefault;
    case AT_DropNotNull:
      return AlterType::kDropNotNull;
    case AT_SetNotNull:
#if PG_VERSION_NUM < 160000  // folded into the plain commands in PostgreSQL 16
    case AT_CheckNotNull:
#endif
      return AlterType::kSetNotNull;
    case AT_DropExpression:
      return AlterType::kDropExpression;
#if PG_VERSION_NUM >= 170000
    case AT_SetExpression:
      return AlterType::kSetExpression;
#endif
    case AT_SetStatistics:
      return AlterType::kSetStatistics;
    case AT_SetOptions:
    case AT_ResetOptions:
      return AlterType::kSetColumnOptions;
    case AT_SetStorage:
      return AlterType::kSetStorage;
    case AT_SetCompression:
      return AlterType::kSetCompression;
    case AT_DropColumn:
#if PG_VERSION_NUM < 160000  // folded into the plain commands in PostgreSQL 16
    case AT_DropColumnRecurse:
#endif
      return AlterType::kDropColumn;
    case AT_AddIndex:
    case AT_ReAddIndex:
      return AlterType::kAddIndex;
    case AT_AddConstraint:
#if PG_VERSION_NUM < 160000  // folded into the plain commands in PostgreSQL 16
    case AT_AddConstraintRecurse:
#endif
    case AT_ReAddConstraint:
      return AlterType::kAddConstraint;
    case AT_AlterConstraint:
      return AlterType::kAlterConstraint;
    case AT_ValidateConstraint:
#if PG_VERSION_NUM < 160000  // folded into the plain commands in PostgreSQL 16
    case AT_ValidateConstraintRecurse:
#endif
      return AlterType::kValidateConstraint;
    case AT_AddIndexConstraint:
      return AlterType::kAddIndexConstraint;
    case AT_DropConstraint:
#if PG_VERSION_NUM < 160000  // folded into the plain commands in PostgreSQL 16
    case AT_DropConstraintRecurse:
#endif
      return AlterType::kDropConstraint;
    case AT_AlterColumnType:
      return AlterType::kAlterColumnType;
    case AT_AlterColumnGenericOptions:
      return AlterType::kAlterColumnGenericOptions;
    case AT_ChangeOwner:
      return AlterType::kOwner;
    case AT_ClusterOn:
      return AlterType::kClusterOn;
    case AT_DropCluster:
      return AlterType::kDropCluster;
    case AT_SetLogged:
      return AlterType::kSetLogged;
    case AT_SetUnLogged:
      return AlterType::kSetUnlogged;
    case AT_SetAccessMethod:
      return AlterType::kSetAccessMethod;
    case AT_SetTableSpace:
      return AlterType::kSetTablespace;
    case AT_SetRelOptions:
    case AT_ReplaceRelOptions:
      return AlterType::kSetRelOptions;
    case AT_ResetRelOptions:
      return AlterType::kResetRelOptions;
    case AT_EnableTrig:
    case AT_EnableAlwaysTrig:
    case AT_EnableReplicaTrig:
    case AT_EnableTrigAll:
    case AT_EnableTrigUser:
      return AlterType::kEnableTrigger;
    case AT_DisableTrig:
    case AT_DisableTrigAll:
    case AT_DisableTrigUser:
      return AlterType::kDisableTrigger;
    case AT_EnableRule:
    case AT_EnableAlwaysRule:
    case AT_EnableReplicaRule:
      return AlterType::kEnableRule;
    case AT_DisableRule:
      return AlterType::kDisableRule;
    case AT_AddInherit:
      return AlterType::kAddInherit;
    case AT_DropInherit:
      return AlterType::kDropInherit;
    case AT_AddOf:
      return AlterType::kAddOf;
    case AT_DropOf:
      return AlterType::kDropOf;
    case AT_ReplicaIdentity:
      return AlterType::kReplicaIdentity;
    case AT_EnableRowSecurity:
      return AlterType::kEnableRowSecurity;
    case AT_DisableRowSecurity:
      return AlterType::kDisableRowSecurity;
    case AT_ForceRowSecurity:
      return AlterType::kForceRowSecurity;
    case AT_NoForceRowSecurity:
      return AlterType::kNoForceRowSecurity;
    case AT_GenericOptions:
      return AlterType::kGenericOptions;
    case AT_AttachPartition:
      return AlterType::kAttachPartition;
    case AT_DetachPartition:
      return AlterType::kDetachPartition;
    case AT_DetachPartitionFinalize:
      return AlterType::kDetachPartitionFinalize;
    case AT_AddIdentity:
      return AlterType::kAddIdentity;
    case AT_SetIdentity:
      return AlterType::kSetIdentity;
    case AT_DropIdentity:
      return AlterType::kDropIdentity;
    default:
      return AlterType::kOther;
  }
}

void TranslateCreateTable(const CreateStmt* c, Statement& s) {
  s.kind = Kind::kCreateTable;
  s.table = FromRangeVar(c->relation);
  s.if_not_exists = c->if_not_exists;
  TableDetails& d = s.table_details.Mutable();
  if (c->relation) {
    d.unlogged = c->relation->relpersistence == 'u';   // RELPERSISTENCE_UNLOGGED
    s.temporary = c->relation->relpersistence == 't';  // RELPERSISTENCE_TEMP
  }
  d.partitioned = c->partspec != nullptr;
  if (c->partspec) {
    for (const Node* p : Items(c->partspec->partParams))
      if (const auto* e = As<PartitionElem>(p, T_PartitionElem))
        d.partition_key.push_back(Str(e->name));
  }
  for (const Node* e : Items(c->tableElts)) {
    if (const auto* col = As<::ColumnDef>(e, T_ColumnDef)) {
      s.columns.push_back(TranslateColumnDef(col));
    } else if (const auto* k = As<::Constraint>(e, T_Constraint)) {
      s.table_constraints.push_back(TranslateConstraint(k));
    } else if (const auto* like = As<TableLikeClause>(e, T_TableLikeClause)) {
      d.like_clause = true;
      s.reads.push_back(FromRangeVar(like->relation));
    }
  }
  for (const Node* r : Items(c->inhRelations)) {
    if (const auto* rv = As<RangeVar>(r, T_RangeVar)) {
      QName parent = FromRangeVar(rv);
      if (c->partbound)
        d.partition_of = parent;
      else
        d.inherits.push_back(parent);
    }
  }
  s.tables.push_back(s.table);
}

void TranslateAlterTable(const AlterTableStmt* a, Statement& s) {
  s.kind = Kind::kAlterTable;
  s.table = FromRangeVar(a->relation);
  s.tables.push_back(s.table);
  s.if_exists = a->missing_ok;
  s.only = a->relation && !a->relation->inh;
  s.object_type = FromObjectType(a->objtype);
  for (const Node* n : Items(a->cmds)) {
    const auto* c = As<AlterTableCmd>(n, T_AlterTableCmd);
    if (!c) continue;
    AlterCmd cmd;
    cmd.type = FromAlterTableType(c->subtype);
    cmd.name = Str(c->name);
    cmd.if_exists = c->missing_ok;
    cmd.cascade = c->behavior == DROP_CASCADE;
    const Node* def = c->def;
    if (cmd.type == AlterType::kSetDefault && !def) cmd.type = AlterType::kDropDefault;
    if (def) {
      switch (nodeTag(def)) {
        case T_ColumnDef: {
          const auto* col = reinterpret_cast<const ::ColumnDef*>(def);
          cmd.column = TranslateColumnDef(col);
          if (cmd.name.empty()) cmd.name = cmd.column->name;
          cmd.location = col->location;
          if (cmd.type == AlterType::kAlterColumnType && col->raw_default) {
            cmd.has_using = true;
            cmd.default_expr = TranslateExpr(col->raw_default);
          }
          cmd.if_not_exists = c->missing_ok;
          break;
        }
        case T_Constraint: {
          const auto* k = reinterpret_cast<const ::Constraint*>(def);
          cmd.constraint = TranslateConstraint(k);
          cmd.location = k->location;
          if (cmd.name.empty()) cmd.name = cmd.constraint->name;
          break;
        }
#if PG_VERSION_NUM >= 180000
        case T_ATAlterConstraint: {  // 15 carried a Constraint here
          const auto* k = reinterpret_cast<const ATAlterConstraint*>(def);
          if (cmd.name.empty()) cmd.name = Str(k->conname);
          cmd.to_enforced = k->alterEnforceability && k->is_enforced;
          cmd.to_not_enforced = k->alterEnforceability && !k->is_enforced;
          break;
        }
#endif
        case T_PartitionCmd: {
          const auto* p = reinterpret_cast<const PartitionCmd*>(def);
          cmd.partition = FromRangeVar(p->name);
          cmd.concurrently = p->concurrent;
          if (p->name) cmd.location = p->name->location;
          break;
        }
        case T_List:
          for (const Node* item : Items(reinterpret_cast<const List*>(def))) {
            if (const auto* d = As<DefElem>(item, T_DefElem)) {
              cmd.reloptions.push_back(Str(d->defname));
              if (cmd.location < 0) cmd.location = d->location;
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

void TranslateIndex(const IndexStmt* ix, Statement& s) {
  s.kind = Kind::kCreateIndex;
  CreateIndex out;
  out.name = Str(ix->idxname);
  out.table = FromRangeVar(ix->relation);
  out.access_method = Str(ix->accessMethod);
  out.unique = ix->unique;
  out.concurrently = ix->concurrent;
  out.if_not_exists = ix->if_not_exists;
  out.has_where = ix->whereClause != nullptr;
  out.only = ix->relation && !ix->relation->inh;
  for (const Node* n : Items(ix->indexParams)) {
    const auto* e = As<::IndexElem>(n, T_IndexElem);
    if (!e) continue;
    IndexElem el;
    el.column = Str(e->name);
    if (e->expr) el.expr = TranslateExpr(e->expr);
    for (const Node* o : Items(e->opclass)) el.opclass.push_back(StrOf(o));
    el.descending = e->ordering == SORTBY_DESC;
    if (e->nulls_ordering == SORTBY_NULLS_FIRST) el.nulls = NullsOrder::kFirst;
    if (e->nulls_ordering == SORTBY_NULLS_LAST) el.nulls = NullsOrder::kLast;
    out.elems.push_back(std::move(el));
  }
  for (const Node* n : Items(ix->indexIncludingParams))
    if (const auto* e = As<::IndexElem>(n, T_IndexElem)) out.including.push_back(Str(e->name));
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

std::string SetValue(const VariableSetStmt* v) {
  if (v->kind == VAR_SET_DEFAULT) return "DEFAULT";
  std::string out;
  for (const Node* a : Items(v->args)) {
    if (!out.empty()) out += ", ";
    if (const auto* c = As<A_Const>(a, T_A_Const)) {
      out += ConstText(c);
    } else if (const auto* cast = As<TypeCast>(a, T_TypeCast)) {
      if (const auto* arg = As<A_Const>(cast->arg, T_A_Const)) out += ConstText(arg);
    }
  }
  return out;
}

bool DefElemIsTrue(const DefElem* d) {
  if (!d->arg) return true;  // `VACUUM (FULL)`: no argument means on
  if (const auto* c = As<A_Const>(d->arg, T_A_Const)) {
    std::string v = Lower(ConstText(c));
    return v != "false" && v != "off" && v != "0";
  }
  if (const auto* i = As<Integer>(d->arg, T_Integer)) return i->ival != 0;  // `(FULL 0)`
  if (nodeTag(d->arg) == T_String) {
    std::string v = Lower(StrOf(d->arg));
    return v != "false" && v != "off";
  }
  return true;
}

// `name` among a DefElem list that is true (`(CONCURRENTLY)`, `(FULL true)`).
bool HasTrueOption(const List* options, const char* name) {
  for (const Node* o : Items(options)) {
    const auto* d = As<DefElem>(o, T_DefElem);
    if (d && d->defname && std::strcmp(d->defname, name) == 0 && DefElemIsTrue(d)) return true;
  }
  return false;
}

// PostgreSQL's name of a statement node type, as in its source and EXPLAIN output.
std::string_view NodeName(NodeTag tag) {
  switch (tag) {
#define LOCKSTEP_NODE(name) \
  case T_##name:            \
    return #name;
#include "sql/statement_nodes.inc"
#undef LOCKSTEP_NODE
    default:
      return "Node";
  }
}

// DROP: the objects it names; the relation a trigger, policy or rule is dropped from.
void TranslateDrop(const DropStmt* d, Statement& s) {
  s.kind = Kind::kDrop;
  s.object_type = FromObjectType(d->removeType);
  s.if_exists = d->missing_ok;
  s.cascade = d->behavior == DROP_CASCADE;
  s.concurrently = d->concurrent;
  for (const Node* o : Items(d->objects)) s.objects.push_back(FromObject(o));
  if (s.object_type == ObjectType::kTable || s.object_type == ObjectType::kMatView ||
      s.object_type == ObjectType::kView || s.object_type == ObjectType::kForeignTable) {
    s.tables = s.objects;
    if (!s.tables.empty()) s.table = s.tables.front();
  }
  // DROP TRIGGER/POLICY/RULE name ON table: the object list is {table…, name}.
  if ((s.object_type == ObjectType::kTrigger || s.object_type == ObjectType::kPolicy ||
       s.object_type == ObjectType::kRule) &&
      d->objects) {
    if (std::optional<QName> owner = OwnerOf(static_cast<const Node*>(linitial(d->objects)))) {
      s.table = *owner;
      s.tables.push_back(s.table);
    }
  }
}

void TranslateRename(const RenameStmt* r, Statement& s) {
  s.kind = Kind::kRename;
  s.object_type = FromObjectType(r->renameType);
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
}

void TranslateComment(const CommentStmt* c, Statement& s) {
  s.kind = Kind::kComment;
  s.object_type = FromObjectType(c->objtype);
  if (c->object) s.objects.push_back(FromObject(c->object));
  if (s.object_type == ObjectType::kTable && !s.objects.empty()) {
    s.table = s.objects.front();
    s.tables.push_back(s.table);
  } else if (s.object_type == ObjectType::kColumn) {
    if (std::optional<QName> owner = OwnerOf(c->object)) {
      s.table = *owner;
      s.tables.push_back(s.table);
    }
  }
}

// DDL on tables and indexes, and the statements that name an object of any kind (DROP, RENAME,
// COMMENT, SET SCHEMA, OWNER TO). False for a node of another family.
bool TranslateTableDdl(const Node* n, Statement& s) {
  switch (nodeTag(n)) {
    case T_CreateStmt:
      TranslateCreateTable(reinterpret_cast<const CreateStmt*>(n), s);
      return true;
    case T_AlterTableStmt:
      TranslateAlterTable(reinterpret_cast<const AlterTableStmt*>(n), s);
      return true;
    case T_IndexStmt:
      TranslateIndex(reinterpret_cast<const IndexStmt*>(n), s);
      return true;
    case T_DropStmt:
      TranslateDrop(reinterpret_cast<const DropStmt*>(n), s);
      return true;
    case T_RenameStmt:
      TranslateRename(reinterpret_cast<const RenameStmt*>(n), s);
      return true;
    case T_CommentStmt:
      TranslateComment(reinterpret_cast<const CommentStmt*>(n), s);
      return true;
    case T_AlterObjectSchemaStmt: {
      const auto* a = reinterpret_cast<const AlterObjectSchemaStmt*>(n);
      s.kind = Kind::kAlterObjectSchema;
      s.object_type = FromObjectType(a->objectType);
      s.table = FromRangeVar(a->relation);
      if (a->relation) s.tables.push_back(s.table);
      s.rename_to = Str(a->newschema);
      return true;
    }
    case T_AlterOwnerStmt:
      s.kind = Kind::kAlterOwner;
      s.object_type = FromObjectType(reinterpret_cast<const AlterOwnerStmt*>(n)->objectType);
      return true;
    default:
      return false;
  }
}

// ALTER TYPE … ADD VALUE / RENAME VALUE: the value and where it goes.
void TranslateAlterEnum(const AlterEnumStmt* e, Statement& s) {
  s.kind = Kind::kAlterEnum;
  s.type_name = FromNames(e->typeName);
  TypeDetails& t = s.type_details.Mutable();
  t.enum_new_value = Str(e->newVal);
  t.enum_old_value = Str(e->oldVal);
  t.enum_neighbor = Str(e->newValNeighbor);
  t.enum_after = e->newValIsAfter;
  s.if_not_exists = e->skipIfNewValExists;
}

void TranslateCreateDomain(const CreateDomainStmt* d, Statement& s) {
  s.kind = Kind::kCreateDomain;
  s.type_name = FromNames(d->domainname);
  TypeDetails& t = s.type_details.Mutable();
  t.domain_base = FromTypeName(d->typeName);
  for (const Node* c : Items(d->constraints))
    if (const auto* k = As<::Constraint>(c, T_Constraint))
      t.domain_constraints.push_back(TranslateConstraint(k));
}

void TranslateAlterDomain(const AlterDomainStmt* d, Statement& s) {
  s.kind = Kind::kAlterDomain;
  s.type_name = FromNames(d->typeName);
  TypeDetails& t = s.type_details.Mutable();
  t.domain_subtype = Letter(d->subtype);
  if (const auto* k = As<::Constraint>(d->def, T_Constraint))
    t.domain_constraints.push_back(TranslateConstraint(k));
}

// Types and domains (TypeDetails). False for a node of another family.
bool TranslateTypeDdl(const Node* n, Statement& s) {
  switch (nodeTag(n)) {
    case T_CreateEnumStmt: {
      const auto* e = reinterpret_cast<const CreateEnumStmt*>(n);
      s.kind = Kind::kCreateEnum;
      s.type_name = FromNames(e->typeName);
      s.type_details.Mutable().enum_values = Strings(e->vals);
      return true;
    }
    case T_AlterEnumStmt:
      TranslateAlterEnum(reinterpret_cast<const AlterEnumStmt*>(n), s);
      return true;
    case T_CreateDomainStmt:
      TranslateCreateDomain(reinterpret_cast<const CreateDomainStmt*>(n), s);
      return true;
    case T_AlterDomainStmt:
      TranslateAlterDomain(reinterpret_cast<const AlterDomainStmt*>(n), s);
      return true;
    case T_CompositeTypeStmt:
      s.kind = Kind::kCreateType;
      s.type_name = FromRangeVar(reinterpret_cast<const CompositeTypeStmt*>(n)->typevar);
      return true;
    case T_CreateRangeStmt:
      s.kind = Kind::kCreateType;
      s.type_name = FromNames(reinterpret_cast<const CreateRangeStmt*>(n)->typeName);
      return true;
    case T_DefineStmt: {
      // CREATE TYPE name (…); the other DEFINE forms (aggregates, operators …) keep the
      // statement's default kind.
      const auto* d = reinterpret_cast<const DefineStmt*>(n);
      if (d->kind == OBJECT_TYPE) {
        s.kind = Kind::kCreateType;
        s.type_name = FromNames(d->defnames);
      }
      return true;
    }
    case T_AlterTypeStmt:
      s.kind = Kind::kAlterType;
      s.type_name = FromNames(reinterpret_cast<const AlterTypeStmt*>(n)->typeName);
      return true;
    default:
      return false;
  }
}

// The language named among a routine's options, else `fallback`.
std::string LanguageOf(const List* options, std::string fallback) {
  for (const Node* o : Items(options)) {
    const auto* d = As<DefElem>(o, T_DefElem);
    if (d && d->defname && std::strcmp(d->defname, "language") == 0) fallback = StrOf(d->arg);
  }
  return fallback;
}

// Routines (CREATE FUNCTION, DO, CALL): what they run is read later from `routine`. False for a
// node of another family.
bool TranslateRoutine(const Node* n, Statement& s) {
  switch (nodeTag(n)) {
    case T_CreateFunctionStmt: {
      const auto* f = reinterpret_cast<const CreateFunctionStmt*>(n);
      s.kind = Kind::kCreateFunction;
      s.type_name = FromNames(f->funcname);
      s.or_replace = f->replace;
      Routine& r = s.routine.Mutable();
      r.language = LanguageOf(f->options, "");
      r.routine_source = RoutineSource(f->options);
      if (f->sql_body) r.body_unread = "a SQL-standard body (BEGIN ATOMIC) is not read";
      return true;
    }
    case T_DoStmt: {
      const auto* d = reinterpret_cast<const DoStmt*>(n);
      s.kind = Kind::kDo;
      Routine& r = s.routine.Mutable();
      r.language = LanguageOf(d->args, "plpgsql");
      r.routine_source = RoutineSource(d->args);
      return true;
    }
    case T_CallStmt: {
      const auto* c = reinterpret_cast<const CallStmt*>(n);
      s.kind = Kind::kCall;
      if (c->funccall) s.calls.push_back(FromNames(c->funccall->funcname));
      return true;
    }
    default:
      return false;
  }
}

TransactionKind TransactionKindOf(TransactionStmtKind kind) {
  switch (kind) {
    case TRANS_STMT_BEGIN:
    case TRANS_STMT_START:
      return TransactionKind::kBegin;
    case TRANS_STMT_COMMIT:
      return TransactionKind::kCommit;
    case TRANS_STMT_ROLLBACK:
      return TransactionKind::kRollback;
    case TRANS_STMT_SAVEPOINT:
      return TransactionKind::kSavepoint;
    case TRANS_STMT_RELEASE:
      return TransactionKind::kRelease;
    case TRANS_STMT_ROLLBACK_TO:
      return TransactionKind::kRollbackTo;
    case TRANS_STMT_PREPARE:
      return TransactionKind::kPrepare;
    case TRANS_STMT_COMMIT_PREPARED:
      return TransactionKind::kCommitPrepared;
    case TRANS_STMT_ROLLBACK_PREPARED:
      return TransactionKind::kRollbackPrepared;
  }
  return TransactionKind::kBegin;
}

// Statements that act on the session or its transaction: transaction control, SET, LOCK. False
// for a node of another family.
bool TranslateSessionStatement(const Node* n, Statement& s) {
  switch (nodeTag(n)) {
    case T_TransactionStmt:
      s.kind = Kind::kTransaction;
      s.transaction = TransactionKindOf(reinterpret_cast<const TransactionStmt*>(n)->kind);
      return true;
    case T_VariableSetStmt: {
      const auto* v = reinterpret_cast<const VariableSetStmt*>(n);
      s.kind = Kind::kSet;
      Setting& set = s.setting.Mutable();
      set.name = Lower(Str(v->name));
      set.local = v->is_local;
      set.reset = v->kind == VAR_RESET || v->kind == VAR_RESET_ALL;
      if (!set.reset) set.value = SetValue(v);
      return true;
    }
    case T_LockStmt: {
      const auto* l = reinterpret_cast<const LockStmt*>(n);
      s.kind = Kind::kLock;
      for (const Node* r : Items(l->relations))
        if (const auto* rv = As<RangeVar>(r, T_RangeVar)) s.tables.push_back(FromRangeVar(rv));
      if (!s.tables.empty()) s.table = s.tables.front();
      s.lock_mode = LockModeName(l->mode);
      return true;
    }
    default:
      return false;
  }
}

ReindexTarget FromReindexObjectType(ReindexObjectType kind) {
  switch (kind) {
    case REINDEX_OBJECT_INDEX:
      return ReindexTarget::kIndex;
    case REINDEX_OBJECT_TABLE:
      return ReindexTarget::kTable;
    case REINDEX_OBJECT_SCHEMA:
      return ReindexTarget::kSchema;
    case REINDEX_OBJECT_SYSTEM:
      return ReindexTarget::kSystem;
    case REINDEX_OBJECT_DATABASE:
      return ReindexTarget::kDatabase;
  }
  return ReindexTarget::kNone;
}

// REINDEX INDEX names its index in `reindex`; REINDEX TABLE names its table in `table`.
void TranslateReindex(const ReindexStmt* r, Statement& s) {
  s.kind = Kind::kReindex;
  Reindex& what = s.reindex.Mutable();
  what.target = FromReindexObjectType(r->kind);
  if (r->relation) {
    QName q = FromRangeVar(r->relation);
    if (what.target == ReindexTarget::kIndex)
      what.index = q;
    else {
      s.table = q;
      s.tables.push_back(q);
    }
  }
  s.concurrently = HasTrueOption(r->params, "concurrently");
}

// Statements that rewrite, empty or rebuild existing relations: TRUNCATE, VACUUM, CLUSTER,
// REINDEX, REFRESH MATERIALIZED VIEW. False for a node of another family.
bool TranslateMaintenance(const Node* n, Statement& s) {
  switch (nodeTag(n)) {
    case T_TruncateStmt: {
      const auto* t = reinterpret_cast<const TruncateStmt*>(n);
      s.kind = Kind::kTruncate;
      s.cascade = t->behavior == DROP_CASCADE;
      s.restart_identity = t->restart_seqs;
      for (const Node* r : Items(t->relations))
        if (const auto* rv = As<RangeVar>(r, T_RangeVar)) s.tables.push_back(FromRangeVar(rv));
      if (!s.tables.empty()) s.table = s.tables.front();
      return true;
    }
    case T_VacuumStmt: {
      const auto* v = reinterpret_cast<const VacuumStmt*>(n);
      s.kind = Kind::kVacuum;
      s.is_analyze_only = !v->is_vacuumcmd;
      s.vacuum_full = HasTrueOption(v->options, "full");
      for (const Node* r : Items(v->rels))
        if (const auto* vr = As<VacuumRelation>(r, T_VacuumRelation))
          s.tables.push_back(FromRangeVar(vr->relation));
      if (!s.tables.empty()) s.table = s.tables.front();
      return true;
    }
    case T_ClusterStmt: {
      const auto* c = reinterpret_cast<const ClusterStmt*>(n);
      s.kind = Kind::kCluster;
      s.table = FromRangeVar(c->relation);
      if (c->relation) s.tables.push_back(s.table);
      return true;
    }
    case T_ReindexStmt:
      TranslateReindex(reinterpret_cast<const ReindexStmt*>(n), s);
      return true;
    case T_RefreshMatViewStmt: {
      const auto* r = reinterpret_cast<const RefreshMatViewStmt*>(n);
      s.kind = Kind::kRefreshMatView;
      s.table = FromRangeVar(r->relation);
      s.tables.push_back(s.table);
      s.concurrently = r->concurrent;
      s.with_no_data = r->skipData;
      return true;
    }
    default:
      return false;
  }
}

// UPDATE: its target and the shape the backfill and the rules read (SET columns, WHERE, FROM …).
void TranslateUpdate(const Node* n, Statement& s) {
  const auto* u = reinterpret_cast<const UpdateStmt*>(n);
  s.kind = Kind::kUpdate;
  s.table = FromRangeVar(u->relation);
  s.tables.push_back(s.table);
  s.reads = ReadsBesides(n, s.table);
  s.calls = QueryCalls(n);
  Update update;
  if (u->relation) {
    if (u->relation->alias) update.alias = Str(u->relation->alias->aliasname);
    update.only = !u->relation->inh;
  }
  for (const Node* t : Items(u->targetList)) {
    if (const auto* r = As<ResTarget>(t, T_ResTarget)) update.set_columns.push_back(Str(r->name));
  }
  update.has_where = u->whereClause != nullptr;
  update.where_current_of = u->whereClause && nodeTag(u->whereClause) == T_CurrentOfExpr;
  update.has_from = Items(u->fromClause).size() > 0;
  update.has_returning = Items(ReturningList(u)).size() > 0;
  update.has_with = u->withClause != nullptr;
  s.update = std::move(update);
}

// DML and COPY: the rows of one target table. False for a node of another family.
bool TranslateDml(const Node* n, Statement& s) {
  switch (nodeTag(n)) {
    case T_InsertStmt:
      s.kind = Kind::kInsert;
      s.table = FromRangeVar(reinterpret_cast<const InsertStmt*>(n)->relation);
      s.tables.push_back(s.table);
      return true;
    case T_UpdateStmt:
      TranslateUpdate(n, s);
      return true;
    case T_DeleteStmt:
      s.kind = Kind::kDelete;
      s.table = FromRangeVar(reinterpret_cast<const DeleteStmt*>(n)->relation);
      s.tables.push_back(s.table);
      return true;
    case T_MergeStmt:
      s.kind = Kind::kMerge;
      s.table = FromRangeVar(reinterpret_cast<const MergeStmt*>(n)->relation);
      s.tables.push_back(s.table);
      s.reads = ReadsBesides(n, s.table);
      s.calls = QueryCalls(n);
      return true;
    case T_CopyStmt: {
      const auto* c = reinterpret_cast<const CopyStmt*>(n);
      s.kind = Kind::kCopy;
      s.table = FromRangeVar(c->relation);
      if (c->relation) s.tables.push_back(s.table);
      s.copy_from_stdin = c->is_from && (!c->filename || !*c->filename) && !c->is_program;
      return true;
    }
    default:
      return false;
  }
}

// Statements built on a query: SELECT (and SELECT … INTO, which creates a table), CREATE TABLE …
// AS, CREATE MATERIALIZED VIEW, CREATE VIEW. False for a node of another family.
bool TranslateQueryStatement(const Node* n, Statement& s) {
  switch (nodeTag(n)) {
    case T_SelectStmt: {
      const auto* sel = reinterpret_cast<const SelectStmt*>(n);
      s.kind = Kind::kSelect;
      s.calls = QueryCalls(n);
      if (!sel->intoClause) s.reads = QueryReads(n);
      if (sel->intoClause) {
        s.kind = Kind::kCreateTableAs;
        s.table = FromRangeVar(sel->intoClause->rel);
        s.reads = QueryReads(n);
        std::erase(s.reads, s.table);
      }
      return true;
    }
    case T_CreateTableAsStmt: {
      const auto* c = reinterpret_cast<const CreateTableAsStmt*>(n);
      s.kind = c->objtype == OBJECT_MATVIEW ? Kind::kCreateMatView : Kind::kCreateTableAs;
      if (c->into) {
        s.table = FromRangeVar(c->into->rel);
        s.with_no_data = c->into->skipData;
      }
      s.if_not_exists = c->if_not_exists;
      s.reads = QueryReads(c->query);
      return true;
    }
    case T_ViewStmt: {
      const auto* v = reinterpret_cast<const ViewStmt*>(n);
      s.kind = Kind::kCreateView;
      s.table = FromRangeVar(v->view);
      s.or_replace = v->replace;
      s.reads = QueryReads(v->query);
      return true;
    }
    default:
      return false;
  }
}

void TranslateAlterSequence(const AlterSeqStmt* q, Statement& s) {
  s.kind = Kind::kAlterSequence;
  s.table = FromRangeVar(q->sequence);
  s.if_exists = q->missing_ok;
  s.tables.push_back(s.table);
  for (const Node* o : Items(q->options)) {
    const auto* d = As<DefElem>(o, T_DefElem);
    if (!d || !d->defname) continue;
    s.sequence_options.push_back(d->defname);
    // OWNED BY table.column names a relation too (OWNED BY NONE names none).
    if (std::strcmp(d->defname, "owned_by") == 0) {
      const std::vector<std::string> parts = Strings(As<List>(d->arg, T_List));
      if (parts.size() >= 2)
        s.tables.push_back(parts.size() >= 3
                               ? QName{parts[parts.size() - 3], parts[parts.size() - 2]}
                               : QName{"", parts[0]});
    }
  }
}

// Objects that belong to a table: triggers, sequences, policies, statistics. False for a node of
// another family.
bool TranslateTableObjectDdl(const Node* n, Statement& s) {
  switch (nodeTag(n)) {
    case T_CreateTrigStmt: {
      const auto* t = reinterpret_cast<const CreateTrigStmt*>(n);
      s.kind = Kind::kCreateTrigger;
      s.table = FromRangeVar(t->relation);
      s.tables.push_back(s.table);
      s.rename_to = Str(t->trigname);
      return true;
    }
    case T_CreateSeqStmt: {
      const auto* q = reinterpret_cast<const CreateSeqStmt*>(n);
      s.kind = Kind::kCreateSequence;
      s.table = FromRangeVar(q->sequence);
      s.if_not_exists = q->if_not_exists;
      return true;
    }
    case T_AlterSeqStmt:
      TranslateAlterSequence(reinterpret_cast<const AlterSeqStmt*>(n), s);
      return true;
    case T_CreatePolicyStmt:
      s.kind = Kind::kCreatePolicy;
      s.table = FromRangeVar(reinterpret_cast<const CreatePolicyStmt*>(n)->table);
      s.tables.push_back(s.table);
      return true;
    case T_AlterPolicyStmt:
      s.kind = Kind::kAlterPolicy;
      s.table = FromRangeVar(reinterpret_cast<const AlterPolicyStmt*>(n)->table);
      s.tables.push_back(s.table);
      return true;
    case T_CreateStatsStmt: {
      const auto* c = reinterpret_cast<const CreateStatsStmt*>(n);
      s.kind = Kind::kCreateStatistics;
      s.if_not_exists = c->if_not_exists;
      if (c->defnames) s.objects.push_back(FromNames(c->defnames));
      for (const Node* r : Items(c->relations))
        if (const auto* rv = As<RangeVar>(r, T_RangeVar)) s.tables.push_back(FromRangeVar(rv));
      if (!s.tables.empty()) s.table = s.tables.front();
      return true;
    }
    default:
      return false;
  }
}

// Privileges, extensions, schemas and databases: no table of the history. False for a node of
// another family.
bool TranslateDatabaseDdl(const Node* n, Statement& s) {
  switch (nodeTag(n)) {
    case T_GrantStmt:
    case T_GrantRoleStmt:
    case T_AlterDefaultPrivilegesStmt:
      s.kind = Kind::kGrant;
      return true;
    case T_CreateExtensionStmt: {
      const auto* e = reinterpret_cast<const CreateExtensionStmt*>(n);
      s.kind = Kind::kCreateExtension;
      s.type_name = QName{"", Str(e->extname)};
      s.if_not_exists = e->if_not_exists;
      return true;
    }
    case T_CreateSchemaStmt: {
      const auto* c = reinterpret_cast<const CreateSchemaStmt*>(n);
      s.kind = Kind::kCreateSchema;
      s.type_name = QName{"", Str(c->schemaname)};
      s.if_not_exists = c->if_not_exists;
      return true;
    }
    case T_CreatedbStmt:
      s.kind = Kind::kCreateDatabase;
      return true;
    case T_DropdbStmt: {
      const auto* d = reinterpret_cast<const DropdbStmt*>(n);
      s.kind = Kind::kDropDatabase;
      s.type_name = QName{"", Str(d->dbname)};
      s.if_exists = d->missing_ok;
      return true;
    }
    default:
      return false;
  }
}

}  // namespace

void TranslateStatement(const Node* n, Statement& s) {
  if (!n) return;
  s.node_name = NodeName(nodeTag(n));
  // Each family translates its own node types and answers false for any other.
  const bool known =
      TranslateTableDdl(n, s) || TranslateTypeDdl(n, s) || TranslateTableObjectDdl(n, s) ||
      TranslateDatabaseDdl(n, s) || TranslateRoutine(n, s) || TranslateSessionStatement(n, s) ||
      TranslateMaintenance(n, s) || TranslateDml(n, s) || TranslateQueryStatement(n, s);
  if (!known) s.kind = Kind::kOther;
}

namespace {

void Shift(int& offset, int by) {
  if (offset >= 0) offset += by;
}

void ShiftExpr(std::optional<Expr>& e, int by) {
  if (e) Shift(e->location, by);
}

void ShiftConstraint(Constraint& c, int by) {
  Shift(c.location, by);
  ShiftExpr(c.expr, by);
}

void ShiftColumn(ColumnDef& c, int by) {
  Shift(c.location, by);
  Shift(c.type.location, by);
  ShiftExpr(c.default_expr, by);
  ShiftExpr(c.generated_expr, by);
  for (Constraint& k : c.constraints) ShiftConstraint(k, by);
}

}  // namespace

void ShiftLocations(Statement& s, int by) {
  Shift(s.begin, by);
  Shift(s.end, by);
  for (ColumnDef& c : s.columns) ShiftColumn(c, by);
  for (Constraint& c : s.table_constraints) ShiftConstraint(c, by);
  for (AlterCmd& c : s.cmds) {
    Shift(c.location, by);
    if (c.column) ShiftColumn(*c.column, by);
    if (c.constraint) ShiftConstraint(*c.constraint, by);
    ShiftExpr(c.default_expr, by);
  }
  if (s.index) {
    for (IndexElem& e : s.index->elems) ShiftExpr(e.expr, by);
    Shift(s.index->concurrently_insert_at, by);
  }
  if (s.type_details.has_value()) {
    TypeDetails& t = s.type_details.Mutable();
    for (Constraint& c : t.domain_constraints) ShiftConstraint(c, by);
    Shift(t.domain_base.location, by);
  }
  if (s.routine.has_value()) {
    Routine& r = s.routine.Mutable();
    Shift(r.routine_source_offset, by);
    for (Statement& b : r.body) ShiftLocations(b, by);
    for (DynamicSql& d : r.dynamic_sql) Shift(d.location, by);
  }
  if (s.update) {
    Shift(s.update->where_begin, by);
    Shift(s.update->where_end, by);
  }
}

}  // namespace lockstep::sql
