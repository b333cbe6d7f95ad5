// Factory declarations of every rule (one per src/rules/<id>.cc), used only by registry.cc.
#pragma once

#include <memory>

#include "rules/rule.h"

namespace lockstep::rules {

std::unique_ptr<Rule> MakeAvoidCreatingEnum();
std::unique_ptr<Rule> MakeAvoidInheritanceChange();
std::unique_ptr<Rule> MakeAvoidReplicaIdentityFull();
std::unique_ptr<Rule> MakeAvoidRewriteOnAddColumn();
std::unique_ptr<Rule> MakeAvoidRewritingTypeChange();
std::unique_ptr<Rule> MakeAvoidStatementsAfterAccessExclusive();
std::unique_ptr<Rule> MakeAvoidTableRewrite();
std::unique_ptr<Rule> MakeBanAddExclusionConstraint();
std::unique_ptr<Rule> MakeBanAlterDomainWithAddConstraint();
std::unique_ptr<Rule> MakeBanCharField();
std::unique_ptr<Rule> MakeBanCreateDomainWithConstraint();
std::unique_ptr<Rule> MakeBanDisableRowLevelSecurity();
std::unique_ptr<Rule> MakeBanDropColumn();
std::unique_ptr<Rule> MakeBanDropDatabase();
std::unique_ptr<Rule> MakeBanDropNotNull();
std::unique_ptr<Rule> MakeBanDropSchema();
std::unique_ptr<Rule> MakeBanDropTable();
std::unique_ptr<Rule> MakeBanDuplicateColumnAssignments();
std::unique_ptr<Rule> MakeBanDuplicateIndex();
std::unique_ptr<Rule> MakeBanLongIdentifier();
std::unique_ptr<Rule> MakeBanNestedTransaction();
std::unique_ptr<Rule> MakeBanNonTransactionalStatementInTransaction();
std::unique_ptr<Rule> MakeBanRenameColumn();
std::unique_ptr<Rule> MakeBanRenameEnumValue();
std::unique_ptr<Rule> MakeBanRenameSchema();
std::unique_ptr<Rule> MakeBanRenameTable();
std::unique_ptr<Rule> MakeBanTruncate();
std::unique_ptr<Rule> MakeBanTruncateCascade();
std::unique_ptr<Rule> MakeBanUncommittedTransaction();
std::unique_ptr<Rule> MakeCombineAlterTableStatements();
std::unique_ptr<Rule> MakeCommitBeforeUsingNewEnumValue();
std::unique_ptr<Rule> MakeIsolateNonTransactionalStatement();
std::unique_ptr<Rule> MakePreferBigintOverInt();
std::unique_ptr<Rule> MakePreferBigintOverSmallint();
std::unique_ptr<Rule> MakePreferIdentity();
std::unique_ptr<Rule> MakePreferJsonb();
std::unique_ptr<Rule> MakePreferNarrowIndex();
std::unique_ptr<Rule> MakePreferRepack();
std::unique_ptr<Rule> MakePreferRobustStmts();
std::unique_ptr<Rule> MakePreferTextField();
std::unique_ptr<Rule> MakePreferTimestampTz();
std::unique_ptr<Rule> MakeRequireBatchedBackfill();
std::unique_ptr<Rule> MakeRequireCheckBeforeAttachPartition();
std::unique_ptr<Rule> MakeRequireCheckBeforeSetNotNull();
std::unique_ptr<Rule> MakeRequireConcurrentIndexCreation();
std::unique_ptr<Rule> MakeRequireConcurrentIndexDeletion();
std::unique_ptr<Rule> MakeRequireConcurrentPartitionDetach();
std::unique_ptr<Rule> MakeRequireConcurrentRefresh();
std::unique_ptr<Rule> MakeRequireConcurrentReindex();
std::unique_ptr<Rule> MakeRequireDefaultForNotNullColumn();
std::unique_ptr<Rule> MakeRequireEnumValueOrdering();
std::unique_ptr<Rule> MakeRequireIndexForForeignKey();
std::unique_ptr<Rule> MakeRequireLockTimeout();
std::unique_ptr<Rule> MakeRequireNotNullBeforePrimaryKey();
std::unique_ptr<Rule> MakeRequireNotValidCheck();
std::unique_ptr<Rule> MakeRequireNotValidForeignKey();
std::unique_ptr<Rule> MakeRequirePrimaryKeyUsingIndex();
std::unique_ptr<Rule> MakeRequireStatementTimeout();
std::unique_ptr<Rule> MakeRequireTableSchema();
std::unique_ptr<Rule> MakeRequireUniqueUsingIndex();
std::unique_ptr<Rule> MakeValidateInSeparateTransaction();

}  // namespace lockstep::rules
