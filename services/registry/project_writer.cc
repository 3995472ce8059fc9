#include "services/registry/project_writer.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "libs/codes/codes.h"
#include "libs/store/audit.h"
#include "libs/store/reference_data.h"
#include "services/registry/registry_store.h"

namespace techreno::registry {
namespace {

// Round k holds the records that name a project named by a record of round
// k-1 (by code or by county and source record), and so on.
std::vector<std::vector<size_t>> Rounds(const std::vector<ProjectRecord>& records) {
  std::map<std::string, size_t> next_round;  // by identity key
  std::vector<std::vector<size_t>> rounds;
  for (size_t i = 0; i < records.size(); ++i) {
    const v1::Project& p = *records[i].project;
    std::vector<std::string> keys;
    if (!p.project_code().empty()) keys.push_back("code:" + p.project_code());
    if (!p.source_record_id().empty()) {
      keys.push_back(absl::StrCat("source:", p.county_code(), "|", p.source_record_id()));
    }
    size_t round = 0;
    for (const std::string& k : keys) {
      if (auto it = next_round.find(k); it != next_round.end()) round = std::max(round, it->second);
    }
    for (const std::string& k : keys) next_round[k] = round + 1;
    if (rounds.size() <= round) rounds.resize(round + 1);
    rounds[round].push_back(i);
  }
  return rounds;
}

// Free codes of our own shape for `keys` (county, start year): the next
// serials, skipping any code a project already has or a record of the batch
// sends (a county may send codes of our shape itself); "" past serial 99,999.
std::vector<std::string> AssignCodes(pqxx::transaction_base& tx, const std::vector<SerialKey>& keys,
                                     const std::set<std::string>& sent) {
  std::vector<std::string> codes(keys.size());
  std::vector<size_t> open(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) open[i] = i;
  while (!open.empty()) {
    std::vector<SerialKey> wanted;
    for (size_t i : open) wanted.push_back(keys[i]);
    const std::vector<int64_t> serials = NextSerials(tx, wanted);
    std::vector<std::string> candidates;
    std::vector<size_t> candidate_of;
    for (size_t k = 0; k < open.size(); ++k) {
      if (serials[k] > 99'999) continue;  // used up: stays ""
      candidates.push_back(codes::MakeProjectCode(keys[open[k]].year, keys[open[k]].county_code,
                                                  static_cast<int>(serials[k])));
      candidate_of.push_back(open[k]);
    }
    const std::vector<bool> taken = CodesTaken(tx, candidates);
    open.clear();
    for (size_t k = 0; k < candidates.size(); ++k) {
      if (taken[k] || sent.count(candidates[k]) > 0) {
        open.push_back(candidate_of[k]);  // draw again
      } else {
        codes[candidate_of[k]] = candidates[k];
      }
    }
  }
  return codes;
}

// What the store knows of each record of `round`, in a few statements.
std::vector<ProjectContext> LoadContexts(pqxx::transaction_base& tx,
                                         const std::vector<ProjectRecord>& records,
                                         const std::vector<size_t>& round) {
  std::vector<ProjectContext> contexts(round.size());
  std::vector<std::string> credit_codes, codes;
  std::vector<SourceKey> sources;
  std::vector<size_t> with_credit, with_code, with_source;
  for (size_t k = 0; k < round.size(); ++k) {
    const v1::Project& p = *records[round[k]].project;
    if (codes::ValidateCreditCode(p.enterprise_credit_code()).ok()) {
      credit_codes.push_back(p.enterprise_credit_code());
      with_credit.push_back(k);
    }
    if (!p.project_code().empty()) {
      codes.push_back(p.project_code());
      with_code.push_back(k);
    }
    if (!p.source_record_id().empty()) {
      sources.push_back({p.county_code(), p.source_record_id()});
      with_source.push_back(k);
    }
  }
  auto enterprises = LoadEnterprises(tx, credit_codes);
  for (size_t j = 0; j < with_credit.size(); ++j) {
    contexts[with_credit[j]].enterprise = std::move(enterprises[j]);
  }
  auto by_source = LockBySourceRecords(tx, sources);
  for (size_t j = 0; j < with_source.size(); ++j) {
    contexts[with_source[j]].by_source = std::move(by_source[j]);
  }
  auto by_code = LockProjects(tx, codes);
  for (size_t j = 0; j < with_code.size(); ++j)
    contexts[with_code[j]].by_code = std::move(by_code[j]);
  std::vector<SerialKey> serial_keys;
  std::vector<size_t> needing;
  for (size_t k = 0; k < round.size(); ++k) {
    const v1::Project& p = *records[round[k]].project;
    // A record whose enterprise is not registered is rejected: no serial for it.
    if (!p.project_code().empty() || contexts[k].by_source.has_value() ||
        !contexts[k].enterprise.has_value()) {
      continue;
    }
    auto start = codes::ParsePeriod(p.start_period());
    if (!start.ok()) continue;  // the pure checks rejected it
    serial_keys.push_back({p.county_code(), start->year});
    needing.push_back(k);
  }
  const std::vector<std::string> new_codes =
      AssignCodes(tx, serial_keys, std::set<std::string>(codes.begin(), codes.end()));
  for (size_t j = 0; j < needing.size(); ++j) contexts[needing[j]].new_code = new_codes[j];
  return contexts;
}

// Decides and writes the records of `round`; returns those it left for the
// next round: records that name, under different keys, a project an earlier
// record of the round names (one by code, the other by its source record).
std::vector<size_t> WriteRound(pqxx::transaction_base& tx, const auth::Principal& caller,
                               const std::vector<ProjectRecord>& records,
                               const std::vector<size_t>& round,
                               std::vector<ProjectDecision>& out) {
  const auto& regions = store::Reference().regions;
  const std::vector<ProjectContext> contexts = LoadContexts(tx, records, round);
  std::vector<size_t> deferred;
  std::set<std::string> named;  // the round's projects so far, by stored code
  std::vector<bool> decide(round.size(), true);
  for (size_t k = 0; k < round.size(); ++k) {
    const ProjectContext& c = contexts[k];
    const std::string code = c.by_source ? c.by_source->project_code()
                             : c.by_code ? c.by_code->project_code()
                                         : std::string();
    if (code.empty() || named.insert(code).second) continue;
    deferred.push_back(round[k]);
    decide[k] = false;
  }
  std::vector<NewProject> inserts;
  std::vector<const v1::Project*> updates;
  std::vector<size_t> inserted, updated;  // positions in `round`
  for (size_t k = 0; k < round.size(); ++k) {
    if (!decide[k]) continue;
    const ProjectRecord& r = records[round[k]];
    ProjectDecision& d = out[round[k]] =
        DecideProject(caller, *r.project, r.expected_version, contexts[k], *r.warnings);
    if (d.outcome != v1::OUTCOME_ACCEPTED) continue;
    if (d.before.has_value()) {
      updates.push_back(&d.project);
      updated.push_back(k);
    } else {
      inserts.push_back({&d.project, regions.CityOf(d.project.county_code())});
      inserted.push_back(k);
    }
  }
  // As stored, server-set times included: what is audited and answered.
  std::vector<v1::Project> stored_new = InsertProjects(tx, inserts);
  std::vector<v1::Project> stored_updates = UpdateProjects(tx, updates);
  for (size_t j = 0; j < inserted.size(); ++j) out[round[inserted[j]]].project = stored_new[j];
  for (size_t j = 0; j < updated.size(); ++j) out[round[updated[j]]].project = stored_updates[j];
  std::vector<std::string> completed;
  std::vector<store::AuditEntry> audit;
  for (size_t k = 0; k < round.size(); ++k) {
    ProjectDecision& d = out[round[k]];
    if (!decide[k] || d.outcome != v1::OUTCOME_ACCEPTED) continue;
    if (d.project.status() == v1::PROJECT_STATUS_COMPLETED) {
      completed.push_back(d.project.project_code());
    }
    audit.push_back({caller.id, caller.name, d.before.has_value() ? "update" : "create", "project",
                     d.project.project_code(), d.project.county_code(), d.project.version(),
                     records[round[k]].request_id, d.before.has_value() ? &*d.before : nullptr,
                     &d.project});
  }
  MarkCompleted(tx, completed);
  store::WriteAudits(tx, audit);
  return deferred;
}

}  // namespace

std::vector<ProjectDecision> WriteProjectBatch(pqxx::transaction_base& tx,
                                               const auth::Principal& caller,
                                               const std::vector<ProjectRecord>& records) {
  std::vector<ProjectDecision> out(records.size());
  std::vector<std::vector<size_t>> rounds = Rounds(records);
  for (size_t k = 0; k < rounds.size(); ++k) {
    std::vector<size_t> deferred = WriteRound(tx, caller, records, rounds[k], out);
    if (deferred.empty()) continue;
    if (k + 1 == rounds.size()) rounds.emplace_back();
    std::vector<size_t>& next = rounds[k + 1];
    next.insert(next.end(), deferred.begin(), deferred.end());
    std::sort(next.begin(), next.end());  // the batch's order
  }
  for (ProjectDecision& d : out) {
    if (d.outcome != v1::OUTCOME_REJECTED) Decorate(d.project);
  }
  return out;
}

void AddStoreRejections(pqxx::transaction_base& tx, const v1::Project& project,
                        Violations& findings) {
  if (!codes::ValidateCreditCode(project.enterprise_credit_code()).ok()) return;
  Violations found;
  EnterpriseFindings(project, LoadEnterprises(tx, {project.enterprise_credit_code()})[0], found);
  for (v1::Violation& v : found) {
    if (v.severity() == v1::SEVERITY_FATAL) findings.push_back(std::move(v));
  }
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

}  // namespace techreno::registry
