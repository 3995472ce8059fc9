// BankLink's write paths, inside the caller's transaction: a publication
// (items and retractions, one transaction, per-item outcomes) and a bank's
// feedback. Checks come first, so a refused change writes nothing; each
// change leaves an audit row, and the recommendation's triggers (migration
// 0011) write the events watchers receive. Request fields are validated
// before (banklink_rules.h).
#ifndef TECHRENO_SERVICES_BANKLINK_BANKLINK_WRITER_H_
#define TECHRENO_SERVICES_BANKLINK_BANKLINK_WRITER_H_

#include <pqxx/pqxx>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/auth/principal.h"
#include "techreno/v1/banklink.pb.h"

namespace techreno::banklink {

// Publishes `request` as `caller` (the province) and fills `response`.
// INVALID_ARGUMENT for unknown banks, or when every item and retraction was
// rejected (each one's findings in the BadRequest).
absl::Status Publish(pqxx::transaction_base& tx, const auth::Principal& caller, int year,
                     const v1::PublishRecommendationsRequest& request,
                     v1::PublishRecommendationsResponse& response);

// Stores a bank's feedback on one recommended project (see SubmitFeedback in
// banklink.proto for the errors) and fills `response`.
absl::Status SubmitBankFeedback(pqxx::transaction_base& tx, const auth::Principal& caller,
                                const v1::SubmitFeedbackRequest& request,
                                v1::SubmitFeedbackResponse& response);

}  // namespace techreno::banklink

#endif  // TECHRENO_SERVICES_BANKLINK_BANKLINK_WRITER_H_
