#include "services/registry/project_decision.h"

#include <google/protobuf/util/message_differencer.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/codes/codes.h"
#include "libs/store/reference_data.h"

namespace techreno::registry {
namespace {

ProjectDecision Rejected(ProjectDecision d, absl::StatusCode code, const char* rule,
                         const std::string& field, std::string message) {
  AddViolation(d.violations, v1::SEVERITY_FATAL, rule, field, std::move(message));
  d.outcome = v1::OUTCOME_REJECTED;
  d.code = code;
  return d;
}

void SortEnums(google::protobuf::RepeatedField<int>* values) {
  std::sort(values->begin(), values->end());
}

}  // namespace

v1::Project InputContent(const v1::Project& project) {
  v1::Project p = project;
  p.clear_completed_investment_fen();
  p.clear_version();
  p.clear_create_time();
  p.clear_update_time();
  p.clear_withdraw_reason();
  p.clear_county();
  p.clear_city();
  p.clear_industry_name();
  SortEnums(p.mutable_renovation_types());
  SortEnums(p.mutable_requested_support());
  return p;
}

bool EnterpriseFindings(const v1::Project& project, const std::optional<v1::Enterprise>& enterprise,
                        Violations& findings) {
  const auto& regions = store::Reference().regions;
  if (!codes::ValidateCreditCode(project.enterprise_credit_code()).ok()) return true;
  const std::string field = "project.enterprise_credit_code";
  if (!enterprise.has_value()) {
    AddViolation(findings, v1::SEVERITY_FATAL, "project.enterprise_credit_code.unknown", field,
                 absl::StrCat("enterprise ", project.enterprise_credit_code(),
                              " is not registered; push it with UpsertEnterprise first"));
    return false;
  }
  if (!regions.IsCountyLevel(project.county_code())) return true;
  const std::string city = regions.CityOf(project.county_code());
  if (regions.CityOf(enterprise->county_code()) != city) {
    AddViolation(
        findings, v1::SEVERITY_WARNING, "project.enterprise.other_city", field,
        absl::StrCat("the enterprise is registered in ", regions.Label(enterprise->county_code()),
                     ", outside the project's city ", regions.Label(city)));
  }
  return true;
}

ProjectDecision DecideProject(const auth::Principal& caller, const v1::Project& input,
                              int64_t expected_version, const ProjectContext& c,
                              Violations warnings) {
  const auto& regions = store::Reference().regions;
  ProjectDecision d;
  d.violations = std::move(warnings);
  v1::Project wanted = InputContent(input);
  if (!EnterpriseFindings(wanted, c.enterprise, d.violations)) {
    d.code = absl::StatusCode::kNotFound;
    return d;
  }
  // Identity: the code of the same source record, a new one, or the code as sent.
  std::optional<v1::Project> stored;
  if (wanted.project_code().empty()) {
    if (c.by_source.has_value()) {
      stored = c.by_source;
      wanted.set_project_code(stored->project_code());
    } else if (c.new_code.empty()) {
      return Rejected(std::move(d), absl::StatusCode::kResourceExhausted,
                      "project.project_code.exhausted", "project.project_code",
                      absl::StrCat("all 99,999 assigned codes of ", wanted.county_code(), " for ",
                                   codes::ParsePeriod(wanted.start_period())->year,
                                   " are used; send the national platform's code"));
    } else {
      wanted.set_project_code(c.new_code);
    }
  } else if (c.by_source.has_value()) {
    if (c.by_source->project_code() != wanted.project_code()) {
      return Rejected(std::move(d), absl::StatusCode::kAlreadyExists,
                      "project.source_record_id.taken", "project.source_record_id",
                      absl::StrCat("source_record_id '", wanted.source_record_id(),
                                   "' already identifies project ", c.by_source->project_code(),
                                   " of this county"));
    }
    stored = c.by_source;
  } else {
    stored = c.by_code;
  }
  if (stored.has_value() && stored->county_code() != wanted.county_code()) {
    if (!auth::MayRead(caller, stored->county_code(), regions)) {
      return Rejected(std::move(d), absl::StatusCode::kAlreadyExists, "project.project_code.taken",
                      "project.project_code",
                      absl::StrCat(wanted.project_code(), " is registered by another county"));
    }
    return Rejected(std::move(d), absl::StatusCode::kFailedPrecondition,
                    "project.county_code.immutable", "project.county_code",
                    absl::StrCat("project ", wanted.project_code(), " belongs to ",
                                 regions.Label(stored->county_code()),
                                 "; a project cannot move to another county"));
  }
  // An update that names the project by code keeps the county system's own id,
  // so that the next code-less push of that record still finds it.
  if (stored.has_value() && wanted.source_record_id().empty()) {
    wanted.set_source_record_id(stored->source_record_id());
  }
  const int64_t current_version = stored.has_value() ? stored->version() : 0;
  if (wanted.status() == v1::PROJECT_STATUS_UNSPECIFIED) {
    wanted.set_status(stored.has_value() ? stored->status() : v1::PROJECT_STATUS_PLANNED);
  }
  // Identical content is "unchanged" whatever version the caller expected: a
  // re-pushed stream must not fail on the records that already landed.
  if (stored.has_value() &&
      google::protobuf::util::MessageDifferencer::Equals(InputContent(*stored), wanted)) {
    d.outcome = v1::OUTCOME_UNCHANGED;
    d.project = *std::move(stored);
    return d;
  }
  if (expected_version != 0 && expected_version != current_version) {
    return Rejected(
        std::move(d), absl::StatusCode::kAborted, "version.mismatch", "expected_version",
        absl::StrCat("expected version ", expected_version, " but the stored version is ",
                     current_version, "; read the project again and retry"));
  }
  if (stored.has_value()) {
    if (stored->status() == v1::PROJECT_STATUS_WITHDRAWN) {
      return Rejected(std::move(d), absl::StatusCode::kFailedPrecondition,
                      "project.status.withdrawn", "project.status",
                      absl::StrCat("project ", wanted.project_code(),
                                   " was withdrawn and can no longer change"));
    }
    if (!IsLegalTransition(stored->status(), wanted.status())) {
      return Rejected(std::move(d), absl::StatusCode::kFailedPrecondition,
                      "project.status.transition", "project.status",
                      absl::StrCat("a project cannot go from ", StatusName(stored->status()),
                                   " to ", StatusName(wanted.status())));
    }
  }
  wanted.set_version(current_version + 1);
  d.outcome = v1::OUTCOME_ACCEPTED;
  d.before = std::move(stored);
  d.project = std::move(wanted);
  return d;
}

}  // namespace techreno::registry
