// Every lint rule, in alphabetical order of id. Adding a rule: its file, one line here, its doc
// page docs/rules/<id>.md and its tests tests/rules/<id>/.
#include "rules/registry.h"

#include <algorithm>

namespace lockstep::rules {

const std::vector<std::unique_ptr<Rule>>& AllRules() {
  static const std::vector<std::unique_ptr<Rule>> rules = [] {
    std::vector<std::unique_ptr<Rule>> r;
    r.push_back(MakeAvoidCreatingEnum());
    r.push_back(MakeAvoidInheritanceChange());
    r.push_back(MakeAvoidReplicaIdentityFull());
    r.push_back(MakeAvoidRewriteOnAddColumn());
    r.push_back(MakeAvoidRewritingTypeChange());
    r.push_back(MakeAvoidStatementsAfterAccessExclusive());
    r.push_back(MakeAvoidTableRewrite());
    r.push_back(MakeBanAddExclusionConstraint());
    r.push_back(MakeBanAlterDomainWithAddConstraint());
    r.push_back(MakeBanCharField());
    r.push_back(MakeBanCreateDomainWithConstraint());
    r.push_back(MakeBanDisableRowLevelSecurity());
    r.push_back(MakeBanDropColumn());
    r.push_back(MakeBanDropDatabase());
    r.push_back(MakeBanDropNotNull());
    r.push_back(MakeBanDropSchema());
    r.push_back(MakeBanDropTable());
    r.push_back(MakeBanDuplicateColumnAssignments());
    r.push_back(MakeBanDuplicateIndex());
    r.push_back(MakeBanLongIdentifier());
    r.push_back(MakeBanNestedTransaction());
    r.push_back(MakeBanNonTransactionalStatementInTransaction());
    r.push_back(MakeBanRenameColumn());
    r.push_back(MakeBanRenameEnumValue());
    r.push_back(MakeBanRenameSchema());
    r.push_back(MakeBanRenameTable());
    r.push_back(MakeBanTruncate());
    r.push_back(MakeBanTruncateCascade());
    r.push_back(MakeBanUncommittedTransaction());
    r.push_back(MakeCombineAlterTableStatements());
    r.push_back(MakeCommitBeforeUsingNewEnumValue());
    r.push_back(MakeIsolateNonTransactionalStatement());
    r.push_back(MakePreferBigintOverInt());
    r.push_back(MakePreferBigintOverSmallint());
    r.push_back(MakePreferIdentity());
    r.push_back(MakePreferJsonb());
    r.push_back(MakePreferNarrowIndex());
    r.push_back(MakePreferRepack());
    r.push_back(MakePreferRobustStmts());
    r.push_back(MakePreferTextField());
    r.push_back(MakePreferTimestampTz());
    r.push_back(MakeRequireBatchedBackfill());
    r.push_back(MakeRequireCheckBeforeAttachPartition());
    r.push_back(MakeRequireCheckBeforeSetNotNull());
    r.push_back(MakeRequireConcurrentIndexCreation());
    r.push_back(MakeRequireConcurrentIndexDeletion());
    r.push_back(MakeRequireConcurrentPartitionDetach());
    r.push_back(MakeRequireConcurrentRefresh());
    r.push_back(MakeRequireConcurrentReindex());
    r.push_back(MakeRequireDefaultForNotNullColumn());
    r.push_back(MakeRequireEnumValueOrdering());
    r.push_back(MakeRequireIndexForForeignKey());
    r.push_back(MakeRequireLockTimeout());
    r.push_back(MakeRequireNotNullBeforePrimaryKey());
    r.push_back(MakeRequireNotValidCheck());
    r.push_back(MakeRequireNotValidForeignKey());
    r.push_back(MakeRequirePrimaryKeyUsingIndex());
    r.push_back(MakeRequireStatementTimeout());
    r.push_back(MakeRequireTableSchema());
    r.push_back(MakeRequireUniqueUsingIndex());
    r.push_back(MakeValidateInSeparateTransaction());
    std::sort(r.begin(), r.end(), [](const auto& a, const auto& b) { return a->id() < b->id(); });
    return r;
  }();
  return rules;
}

}  // namespace lockstep::rules
