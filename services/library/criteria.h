// A tier's entry criteria (TierCriteria, data set by the province) applied to
// a project and its progress, and the risk flags of an accepted entry. Pure
// functions, unit-tested in tests/unit/library_criteria_test.cc.
#ifndef TECHRENO_SERVICES_LIBRARY_CRITERIA_H_
#define TECHRENO_SERVICES_LIBRARY_CRITERIA_H_

#include <vector>

#include "libs/rpc/status.h"
#include "libs/rpc/violations.h"
#include "techreno/v1/library.pb.h"

namespace techreno::library {

// Every criterion `project` fails, each a fatal "library.criteria.*" finding
// naming the project field, plus a warning "library.criteria.not_favoured"
// when the tier favours renovation types or industries and the project has
// none of them. `progress` carries months_without_report as of the last
// complete month (negative before the project's start).
rpc::Violations CheckCriteria(const v1::TierCriteria& criteria, const v1::Project& project,
                              const v1::EntryProgress& progress);

// Sets progress.at_risk and progress.due_for_exit by the tier's thresholds
// (an ACCEPTED entry's; others are never flagged).
void FlagRisk(const v1::TierCriteria& criteria, v1::EntryProgress& progress);

// The same flags as review reasons: "library.risk.behind_schedule" and
// "library.risk.not_reporting" (warnings), "library.exit.silent" (fatal).
void AddRiskReasons(const v1::EntryProgress& progress, rpc::Violations& out);

// Every bad field of criteria to be set (field paths under `prefix`).
std::vector<rpc::FieldViolation> ValidateCriteria(const v1::TierCriteria& criteria,
                                                  const std::string& prefix);

// The fatal findings' rule ids, in order (what an override overrides).
std::vector<std::string> FailedRuleIds(const rpc::Violations& findings);

}  // namespace techreno::library

#endif  // TECHRENO_SERVICES_LIBRARY_CRITERIA_H_
