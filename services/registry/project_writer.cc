#include "services/registry/project_writer.h"

#include <google/protobuf/util/message_differencer.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/codes/codes.h"
#include "libs/rpc/status.h"
#include "libs/store/audit.h"
#include "libs/store/reference_data.h"
#include "services/registry/registry_store.h"

namespace techreno::registry {
namespace {

using google::protobuf::util::MessageDifferencer;

WriteOutcome Reject(WriteOutcome out, absl::StatusCode code, const std::string& rule,
                    const std::string& field, const std::string& message) {
  AddViolation(out.violations, v1::SEVERITY_FATAL, rule, field, message);
  out.outcome = v1::OUTCOME_REJECTED;
  out.code = code;
  return out;
}

void SortEnums(google::protobuf::RepeatedField<int>* values) {
  std::sort(values->begin(), values->end());
}

// A new code of our own shape for `project`: the next serial of its county and
// start year, skipping any code a client already used (a county may send codes
// of our shape itself). RESOURCE_EXHAUSTED when the year's serials are used up.
absl::StatusOr<std::string> AssignCode(pqxx::transaction_base& tx, const v1::Project& project) {
  const int year = codes::ParsePeriod(project.start_period())->year;
  while (true) {
    const int64_t serial = NextSerial(tx, project.county_code(), year);
    std::string code = serial > 99'999 ? std::string()
                                       : codes::MakeProjectCode(year, project.county_code(),
                                                                static_cast<int>(serial));
    if (code.empty()) {
      return absl::ResourceExhaustedError(
          absl::StrCat("all 99,999 assigned codes of ", project.county_code(), " for ", year,
                       " are used; send the national platform's code"));
    }
    if (!LoadProject(tx, code, /*for_update=*/false).has_value()) return code;
  }
}

}  // namespace

bool CheckEnterprise(pqxx::transaction_base& tx, const v1::Project& project,
                     const std::string& prefix, Violations& findings) {
  const auto& regions = store::Reference().regions;
  if (!codes::ValidateCreditCode(project.enterprise_credit_code()).ok()) return true;
  const std::string field = absl::StrCat(prefix, ".enterprise_credit_code");
  auto enterprise = LoadEnterprise(tx, project.enterprise_credit_code(), /*for_update=*/false);
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

void AddStoreRejections(pqxx::transaction_base& tx, const v1::Project& project,
                        const std::string& prefix, Violations& findings) {
  Violations found;
  CheckEnterprise(tx, project, prefix, found);
  for (v1::Violation& v : found) {
    if (v.severity() == v1::SEVERITY_FATAL) findings.push_back(std::move(v));
  }
}

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

void Decorate(v1::Project& p) {
  const auto& ref = store::Reference();
  if (const auto* county = ref.regions.Find(p.county_code())) {
    p.mutable_county()->set_code(county->code);
    p.mutable_county()->set_name(county->name);
    if (const auto* city = ref.regions.Find(ref.regions.CityOf(county->code))) {
      p.mutable_city()->set_code(city->code);
      p.mutable_city()->set_name(city->name);
    }
  }
  if (const auto* industry = ref.industries.Find(p.industry_code())) {
    p.set_industry_name(industry->name);
  }
}

void Decorate(v1::Enterprise& e) {
  if (const auto* county = store::Reference().regions.Find(e.county_code())) {
    e.mutable_county()->set_code(county->code);
    e.mutable_county()->set_name(county->name);
  }
}

WriteOutcome WriteProject(pqxx::transaction_base& tx, const auth::Principal& caller,
                          const v1::Project& input, int64_t expected_version,
                          const std::string& request_id, Violations warnings,
                          const std::string& prefix) {
  const auto& regions = store::Reference().regions;
  WriteOutcome out;
  out.violations = std::move(warnings);
  v1::Project wanted = InputContent(input);
  auto field = [&prefix](const char* name) { return absl::StrCat(prefix, ".", name); };

  if (!CheckEnterprise(tx, wanted, prefix, out.violations)) {
    out.outcome = v1::OUTCOME_REJECTED;
    out.code = absl::StatusCode::kNotFound;
    return out;
  }
  const std::string city = regions.CityOf(wanted.county_code());

  // Identity: the code as sent, the code of the same source record, or a new
  // one. `stored` is the project as stored (locked), once known.
  std::optional<v1::Project> by_source;
  if (!wanted.source_record_id().empty()) {
    by_source = FindBySourceRecord(tx, wanted.county_code(), wanted.source_record_id());
  }
  std::optional<v1::Project> stored;
  bool stored_known = false;
  if (wanted.project_code().empty()) {
    if (by_source.has_value()) {
      wanted.set_project_code(by_source->project_code());
      stored = std::move(by_source);
    } else {
      absl::StatusOr<std::string> code = AssignCode(tx, wanted);  // a code no project has
      if (!code.ok()) {
        return Reject(std::move(out), code.status().code(), "project.project_code.exhausted",
                      field("project_code"), std::string(code.status().message()));
      }
      wanted.set_project_code(*code);
    }
    stored_known = true;
  } else if (by_source.has_value()) {
    if (by_source->project_code() != wanted.project_code()) {
      return Reject(std::move(out), absl::StatusCode::kAlreadyExists,
                    "project.source_record_id.taken", field("source_record_id"),
                    absl::StrCat("source_record_id '", wanted.source_record_id(),
                                 "' already identifies project ", by_source->project_code(),
                                 " of this county"));
    }
    stored = std::move(by_source);
    stored_known = true;
  }
  if (!stored_known) stored = LoadProject(tx, wanted.project_code(), /*for_update=*/true);
  if (stored.has_value() && stored->county_code() != wanted.county_code()) {
    if (!auth::MayRead(caller, stored->county_code(), regions)) {
      return Reject(std::move(out), absl::StatusCode::kAlreadyExists, "project.project_code.taken",
                    field("project_code"),
                    absl::StrCat(wanted.project_code(), " is registered by another county"));
    }
    return Reject(std::move(out), absl::StatusCode::kFailedPrecondition,
                  "project.county_code.immutable", field("county_code"),
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
  if (stored.has_value() && MessageDifferencer::Equals(InputContent(*stored), wanted)) {
    out.outcome = v1::OUTCOME_UNCHANGED;
    out.project = *std::move(stored);
    Decorate(out.project);
    return out;
  }
  if (expected_version != 0 && expected_version != current_version) {
    return Reject(std::move(out), absl::StatusCode::kAborted, "version.mismatch",
                  "expected_version",
                  absl::StrCat("expected version ", expected_version, " but the stored version is ",
                               current_version, "; read the project again and retry"));
  }
  if (stored.has_value()) {
    if (stored->status() == v1::PROJECT_STATUS_WITHDRAWN) {
      return Reject(std::move(out), absl::StatusCode::kFailedPrecondition,
                    "project.status.withdrawn", field("status"),
                    absl::StrCat("project ", wanted.project_code(),
                                 " was withdrawn and can no longer change"));
    }
    if (!IsLegalTransition(stored->status(), wanted.status())) {
      return Reject(std::move(out), absl::StatusCode::kFailedPrecondition,
                    "project.status.transition", field("status"),
                    absl::StrCat("a project cannot go from ", StatusName(stored->status()), " to ",
                                 StatusName(wanted.status())));
    }
  }

  wanted.set_version(current_version + 1);
  // As stored, server-set times included: what is audited and answered.
  out.project = stored.has_value() ? UpdateProject(tx, wanted) : InsertProject(tx, wanted, city);
  if (wanted.status() == v1::PROJECT_STATUS_COMPLETED) MarkCompleted(tx, wanted.project_code());
  store::WriteAudit(tx, {caller.id, caller.name, stored.has_value() ? "update" : "create",
                         "project", wanted.project_code(), wanted.county_code(), wanted.version(),
                         request_id, stored.has_value() ? &*stored : nullptr, &out.project});
  out.outcome = v1::OUTCOME_ACCEPTED;
  Decorate(out.project);
  return out;
}

}  // namespace techreno::registry
