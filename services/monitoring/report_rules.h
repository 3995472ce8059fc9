// Pure checks of a monthly progress report, and the reporting calendar
// (deadlines, lateness). No database.
#ifndef TECHRENO_SERVICES_MONITORING_REPORT_RULES_H_
#define TECHRENO_SERVICES_MONITORING_REPORT_RULES_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "libs/auth/principal.h"
#include "libs/codes/codes.h"
#include "libs/rpc/violations.h"
#include "techreno/v1/monitoring.pb.h"

namespace techreno::monitoring {

using rpc::Violations;

// Every finding of `report` that needs no stored data; `today` is the current
// month (no future periods). `prefix` is the message's path, e.g. "report".
Violations ValidateReport(const v1::ProgressReport& report, const codes::Period& today,
                          const std::string& prefix);

// Why `caller` may not report on project `project_code`: not in the registry
// (`county` null), outside the caller's scope, or withdrawn; nullopt when it
// may. `code` is what a unary call answers. The rule chain (report_decision.h)
// asks this first, and so do the store findings of a report rejected before it.
struct ProjectRefusal {
  absl::StatusCode code;
  const char* rule_id;
  std::string message;
};
std::optional<ProjectRefusal> RefuseProject(const auth::Principal& caller,
                                            const std::string& project_code,
                                            const std::string* county, v1::ProjectStatus status);

// The current month in China Standard Time.
using codes::CurrentPeriod;

// The first instant after the reporting deadline of `period`'s half-year:
// reports for January–June are due by June 30, for July–December by
// December 31, end of day, China Standard Time.
absl::Time DeadlineEnd(const codes::Period& period);

}  // namespace techreno::monitoring

#endif  // TECHRENO_SERVICES_MONITORING_REPORT_RULES_H_
