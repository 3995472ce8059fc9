// The candidate score of ScoreCandidates and the checks of the BankLink
// policy it comes from: pure functions over what the store read
// (CandidateRow), unit-tested in tests/unit/banklink_score_test.cc.
//
// The score is the sum of five components, each worth at most its weight
// (ScoreWeights in banklink.proto; defaults in migration 0012, documented in
// docs/API.md "Candidate score"): library tier, schedule, enterprise,
// financing share, favoured renovation type.
#ifndef TECHRENO_SERVICES_BANKLINK_CANDIDATE_SCORE_H_
#define TECHRENO_SERVICES_BANKLINK_CANDIDATE_SCORE_H_

#include <vector>

#include "libs/rpc/status.h"
#include "services/banklink/banklink_store.h"
#include "techreno/v1/banklink.pb.h"

namespace techreno::banklink {

// The candidate of `row` scored with `weights`: its components (each with
// its reason in Chinese) and their sum.
v1::Candidate ScoreCandidate(const v1::ScoreWeights& weights, CandidateRow row);

// Best first: by score, then by project code.
void RankCandidates(std::vector<v1::Candidate>& candidates);

// Every bad field of a policy to be set (paths under "policy.").
std::vector<rpc::FieldViolation> CheckPolicy(const v1::BankLinkPolicy& policy);

}  // namespace techreno::banklink

#endif  // TECHRENO_SERVICES_BANKLINK_CANDIDATE_SCORE_H_
