// techreno.v1.BankLink: the contract is in proto/techreno/v1/banklink.proto.
// Not implemented yet: every method answers UNIMPLEMENTED (the generated
// base class's behaviour) until its issue lands.
#ifndef TECHRENO_SERVICES_BANKLINK_BANKLINK_SERVICE_H_
#define TECHRENO_SERVICES_BANKLINK_BANKLINK_SERVICE_H_

#include "techreno/v1/banklink.grpc.pb.h"

namespace techreno::banklink {

class BankLinkService final : public v1::BankLink::Service {};

}  // namespace techreno::banklink

#endif  // TECHRENO_SERVICES_BANKLINK_BANKLINK_SERVICE_H_
