// Integration-test harness: a real PostgreSQL (the cluster tests/run.sh
// starts, named by $TECHRENO_TEST_DSN) and a real techreno server on loopback.
//
// Each test binary gets a fresh database (created on first use), migrated and
// seeded, and one in-process server hosting all services on 127.0.0.1:<free
// port>. Without $TECHRENO_TEST_DSN the tests skip, unless
// $TECHRENO_REQUIRE_DB=1 (set by tests/run.sh), which makes that a failure.
// For checking a test against another build of the server: $TECHRENO_TEST_DATABASE
// fixes the database's name and $TECHRENO_TEST_SERVER (host:port) sends the
// calls to a server started on it outside the test.
#ifndef TECHRENO_TESTS_INTEGRATION_HARNESS_H_
#define TECHRENO_TESTS_INTEGRATION_HARNESS_H_

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "libs/store/pool.h"
#include "techreno/v1/monitoring.grpc.pb.h"
#include "techreno/v1/registry.grpc.pb.h"

namespace techreno::testing {

class TestEnv {
 public:
  // nullptr when no database is configured (the caller skips).
  static TestEnv* Get();

  store::Pool& pool() { return *pool_; }
  const std::string& dsn() const { return dsn_; }
  std::shared_ptr<grpc::Channel> channel() { return channel_; }
  std::unique_ptr<v1::ProjectRegistry::Stub> Registry() {
    return v1::ProjectRegistry::NewStub(channel_);
  }
  // The token of a principal with this role and scope (created once); a
  // `label` makes another principal of the same role and scope.
  std::string Token(const std::string& role, const std::string& scope,
                    const std::string& label = "");
  // Pushes `reports` in one PushProgress stream as the holder of `token`;
  // `status` (required) receives the call's status.
  v1::PushProgressResponse PushProgress(const std::string& token,
                                        const std::vector<v1::ProgressReport>& reports,
                                        grpc::Status* status);
  // Pushes `records` through PushProgressChunks, `chunk` records a message
  // (written by a thread of their own while the answers are read); the
  // answers, in order. `status` (required) receives the call's status.
  std::vector<v1::PushProgressResponse> PushProgressChunks(
      const std::string& token, const std::vector<v1::PushProgressRequest>& records, int chunk,
      grpc::Status* status);
  // A client context carrying "authorization: Bearer <token>".
  static std::unique_ptr<grpc::ClientContext> Context(const std::string& token);

 private:
  TestEnv() = default;
  std::string dsn_;
  std::unique_ptr<store::Pool> pool_;
  std::shared_ptr<grpc::Channel> channel_;
};

// Base fixture: skips the test when there is no database, or fails it under
// tests/run.sh (TECHRENO_REQUIRE_DB=1), where a missing database is a defect.
class DbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = TestEnv::Get();
    if (env_ != nullptr) return;
    if (std::getenv("TECHRENO_REQUIRE_DB") != nullptr) {
      FAIL() << "TECHRENO_TEST_DSN is not set or the database is unreachable";
    }
    GTEST_SKIP() << "set TECHRENO_TEST_DSN (tests/run.sh does) to run database tests";
  }
  TestEnv* env_ = nullptr;
};

// Valid credit code for tests: 17 given characters plus the computed check.
std::string CreditCode(const std::string& first17);

// A valid enterprise and project in `county`, distinguished by `n`.
v1::Enterprise SampleEnterprise(const std::string& county, int n);
v1::Project SampleProject(const std::string& county, const std::string& credit_code, int n);

// Cells of monitoring's summaries (migration 0009) that differ from the same
// figures computed from scratch out of the registry and every stored report,
// by plain queries written independently of the triggers; 0 when exact.
int64_t SummaryMismatches(pqxx::transaction_base& tx);

}  // namespace techreno::testing

#endif  // TECHRENO_TESTS_INTEGRATION_HARNESS_H_
