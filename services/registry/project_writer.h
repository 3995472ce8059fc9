// The one write path of project records, for UpsertProject (a batch of one)
// and every batch of PushProjects: what the rules need is read for the whole
// batch in a few statements (enterprises, projects by code and by source
// record, new codes), each record is decided by the rule chain
// (project_decision.h), and the accepted rows, completion months and audit
// rows are written in one statement each; monitoring's summaries follow by
// trigger, once per statement.
//
// Records naming the same project (the same code, or the same county and
// source record) are decided in the batch's order: each is read and written
// in a round after the earlier ones, so a batch answers exactly as its records
// sent one at a time would.
#ifndef TECHRENO_SERVICES_REGISTRY_PROJECT_WRITER_H_
#define TECHRENO_SERVICES_REGISTRY_PROJECT_WRITER_H_

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "libs/auth/principal.h"
#include "services/registry/project_decision.h"
#include "services/registry/validation.h"
#include "techreno/v1/registry.pb.h"

namespace techreno::registry {

struct ProjectRecord {
  const v1::Project* project;  // passed ValidateProject without fatal findings
  int64_t expected_version = 0;
  std::string request_id;      // kept in the audit row; "" when none
  const Violations* warnings;  // ValidateProject's findings
};

// One decision per record, in order; accepted and unchanged projects come
// back as stored, with their names (Decorate). May throw pqxx exceptions.
std::vector<ProjectDecision> WriteProjectBatch(pqxx::transaction_base& tx,
                                               const auth::Principal& caller,
                                               const std::vector<ProjectRecord>& records);

// For a record already rejected by the pure checks: the fatal findings of
// EnterpriseFindings (its warnings would be noise on such a record).
void AddStoreRejections(pqxx::transaction_base& tx, const v1::Project& project,
                        Violations& findings);

// Fills the output-only name fields (county, city, industry).
void Decorate(v1::Project& project);
void Decorate(v1::Enterprise& enterprise);

}  // namespace techreno::registry

#endif  // TECHRENO_SERVICES_REGISTRY_PROJECT_WRITER_H_
