// The write path of one project record, shared by UpsertProject and
// PushProjects: identity (code, source record, assignment), version and
// lifecycle checks, content idempotency ("unchanged"), the write and its
// audit row. Runs inside the caller's transaction.
#ifndef TECHRENO_SERVICES_REGISTRY_PROJECT_WRITER_H_
#define TECHRENO_SERVICES_REGISTRY_PROJECT_WRITER_H_

#include <pqxx/pqxx>
#include <string>

#include "absl/status/status.h"
#include "libs/auth/principal.h"
#include "services/registry/validation.h"
#include "techreno/v1/registry.pb.h"

namespace techreno::registry {

struct WriteOutcome {
  v1::Outcome outcome = v1::OUTCOME_REJECTED;
  v1::Project project;    // the stored state (accepted or unchanged)
  Violations violations;  // every finding, warnings included
  // For rejections: the error class a unary call answers with.
  absl::StatusCode code = absl::StatusCode::kOk;
};

// `input` must already have passed ValidateProject without fatal findings;
// `warnings` are its warnings, carried into the outcome.
WriteOutcome WriteProject(pqxx::transaction_base& tx, const auth::Principal& caller,
                          const v1::Project& input, int64_t expected_version,
                          const std::string& request_id, Violations warnings,
                          const std::string& field_prefix);

// The store's checks of a project's references, also run for a record that
// failed the pure checks so that every violation comes back at once: the
// enterprise must be registered (fatal, project.enterprise_credit_code.unknown)
// and should sit in the project's city (warning). Skipped when the credit code
// is itself invalid; the city warning only when the county code is valid.
// Returns false on a fatal finding.
bool CheckEnterprise(pqxx::transaction_base& tx, const v1::Project& project,
                     const std::string& field_prefix, Violations& findings);
// For a record already rejected by the pure checks: adds only the fatal
// findings of CheckEnterprise (its warnings would be noise on such a record).
void AddStoreRejections(pqxx::transaction_base& tx, const v1::Project& project,
                        const std::string& field_prefix, Violations& findings);

// Normalises what a caller sent: output-only fields cleared, enum lists sorted.
v1::Project InputContent(const v1::Project& project);

// Fills the output-only name fields (county, city, industry).
void Decorate(v1::Project& project);
void Decorate(v1::Enterprise& enterprise);

}  // namespace techreno::registry

#endif  // TECHRENO_SERVICES_REGISTRY_PROJECT_WRITER_H_
