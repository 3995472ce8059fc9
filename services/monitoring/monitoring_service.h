// techreno.v1.InvestmentMonitoring: the contract is in proto/techreno/v1/monitoring.proto.
// Not implemented yet: every method answers UNIMPLEMENTED (the generated
// base class's behaviour) until its issue lands.
#ifndef TECHRENO_SERVICES_MONITORING_MONITORING_SERVICE_H_
#define TECHRENO_SERVICES_MONITORING_MONITORING_SERVICE_H_

#include "techreno/v1/monitoring.grpc.pb.h"

namespace techreno::monitoring {

class MonitoringService final : public v1::InvestmentMonitoring::Service {};

}  // namespace techreno::monitoring

#endif  // TECHRENO_SERVICES_MONITORING_MONITORING_SERVICE_H_
