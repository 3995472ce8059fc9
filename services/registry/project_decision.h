// The rule chain of one project record against what the store knows of it:
// its enterprise, its identity (the code as sent, the county's project with
// the same source record, or a newly assigned code), county immutability,
// unchanged content, expected_version and the lifecycle. Pure — the batch
// writer (project_writer.h) reads a ProjectContext for a whole batch in a few
// statements and stores what this decides — so that the rules are
// unit-tested without a database (tests/unit/project_decision_test.cc).
#ifndef TECHRENO_SERVICES_REGISTRY_PROJECT_DECISION_H_
#define TECHRENO_SERVICES_REGISTRY_PROJECT_DECISION_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "libs/auth/principal.h"
#include "services/registry/validation.h"
#include "techreno/v1/registry.pb.h"

namespace techreno::registry {

// What the store knows of one record, read for its whole batch at once.
struct ProjectContext {
  std::optional<v1::Enterprise> enterprise;  // the record's enterprise, when registered
  std::optional<v1::Project> by_source;  // the county's project with the record's source_record_id
  std::optional<v1::Project> by_code;    // the project with the record's project_code
  // For a record without code and without a project of its source record: a
  // code no project has, assigned to it ("" when the county-year's 99,999
  // serials are used up).
  std::string new_code;
};

struct ProjectDecision {
  v1::Outcome outcome = v1::OUTCOME_REJECTED;
  // ACCEPTED: the row to store (content, identity, status, version).
  // UNCHANGED: the stored project.
  v1::Project project;
  Violations violations;                          // every finding, warnings included
  absl::StatusCode code = absl::StatusCode::kOk;  // for rejections: the unary error class
  std::optional<v1::Project> before;              // ACCEPTED as an update: the project as stored
};

// Normalises what a caller sent: output-only fields cleared, enum lists sorted.
v1::Project InputContent(const v1::Project& project);

// The store's findings on a project's enterprise, given the stored enterprise
// (nullopt: not registered): it must be registered (fatal,
// project.enterprise_credit_code.unknown) and should sit in the project's city
// (warning). Nothing when the credit code is itself invalid; the city warning
// only when the county code is valid. False on a fatal finding.
bool EnterpriseFindings(const v1::Project& project, const std::optional<v1::Enterprise>& enterprise,
                        Violations& findings);

// `input` must have passed ValidateProject without fatal findings (those are
// `warnings`). Fields are named "project.<field>", as in the requests.
ProjectDecision DecideProject(const auth::Principal& caller, const v1::Project& input,
                              int64_t expected_version, const ProjectContext& context,
                              Violations warnings);

}  // namespace techreno::registry

#endif  // TECHRENO_SERVICES_REGISTRY_PROJECT_DECISION_H_
