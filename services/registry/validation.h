// Field-by-field validation of enterprises and projects. Pure: no database.
// Every finding names a stable rule id (listed in docs/RULES.md), the field
// path, a severity and a message; all findings are returned, not the first.
#ifndef TECHRENO_SERVICES_REGISTRY_VALIDATION_H_
#define TECHRENO_SERVICES_REGISTRY_VALIDATION_H_

#include <string>
#include <vector>

#include "libs/auth/principal.h"
#include "libs/rpc/violations.h"
#include "libs/store/reference_data.h"
#include "techreno/v1/registry.pb.h"

namespace techreno::registry {

using rpc::AddViolation;
using rpc::HasFatal;
using rpc::RejectionStatus;
using rpc::Utf8Length;
using rpc::Violations;

// Projects under this planned investment (5 million yuan) are outside the statistics.
inline constexpr int64_t kStatisticsThresholdFen = 500'000'000;

// `prefix` is the path of the message in the request, e.g. "project".
Violations ValidateProject(const v1::Project& project, const store::ReferenceData& ref,
                           const auth::Principal& caller, const std::string& prefix);
Violations ValidateEnterprise(const v1::Enterprise& enterprise, const store::ReferenceData& ref,
                              const auth::Principal& caller, const std::string& prefix);

// Lifecycle: OK when `from` may become `to` through UpsertProject.
bool IsLegalTransition(v1::ProjectStatus from, v1::ProjectStatus to);
const char* StatusName(v1::ProjectStatus status);  // "计划 PLANNED" style

}  // namespace techreno::registry

#endif  // TECHRENO_SERVICES_REGISTRY_VALIDATION_H_
