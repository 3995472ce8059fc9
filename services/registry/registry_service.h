// techreno.v1.ProjectRegistry: thin handlers over validation.h (pure rules),
// project_writer.h (the write path) and registry_store.h (SQL).
#ifndef TECHRENO_SERVICES_REGISTRY_REGISTRY_SERVICE_H_
#define TECHRENO_SERVICES_REGISTRY_REGISTRY_SERVICE_H_

#include "libs/rpc/push_stream.h"
#include "libs/store/pool.h"
#include "techreno/v1/registry.grpc.pb.h"

namespace techreno::registry {

struct RegistryOptions {
  // PushProjects: 500 records per transaction; at most 1,000,000 records or
  // 96 MB of answer per stream, beyond which the answer says `incomplete`.
  rpc::PushLimits push;
};

class RegistryService final : public v1::ProjectRegistry::Service {
 public:
  explicit RegistryService(store::Pool& pool, RegistryOptions options = {})
      : pool_(pool), options_(options) {}

  grpc::Status UpsertEnterprise(grpc::ServerContext* context,
                                const v1::UpsertEnterpriseRequest* request,
                                v1::UpsertEnterpriseResponse* response) override;
  grpc::Status GetEnterprise(grpc::ServerContext* context, const v1::GetEnterpriseRequest* request,
                             v1::Enterprise* response) override;
  grpc::Status UpsertProject(grpc::ServerContext* context, const v1::UpsertProjectRequest* request,
                             v1::UpsertProjectResponse* response) override;
  grpc::Status PushProjects(grpc::ServerContext* context,
                            grpc::ServerReader<v1::PushProjectsRequest>* reader,
                            v1::PushProjectsResponse* response) override;
  grpc::Status PushProjectsChunks(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::PushProjectsResponse, v1::PushProjectsChunk>* stream) override;
  grpc::Status GetProject(grpc::ServerContext* context, const v1::GetProjectRequest* request,
                          v1::Project* response) override;
  grpc::Status ListProjects(grpc::ServerContext* context, const v1::ListProjectsRequest* request,
                            v1::ListProjectsResponse* response) override;
  grpc::Status GetProjectHistory(grpc::ServerContext* context,
                                 const v1::GetProjectHistoryRequest* request,
                                 v1::GetProjectHistoryResponse* response) override;
  grpc::Status WithdrawProject(grpc::ServerContext* context,
                               const v1::WithdrawProjectRequest* request,
                               v1::Project* response) override;

 private:
  store::Pool& pool_;
  const RegistryOptions options_;
};

}  // namespace techreno::registry

#endif  // TECHRENO_SERVICES_REGISTRY_REGISTRY_SERVICE_H_
