// What BankLink's integration tests share: the stub, principals, and
// registered projects with consent and a financing need.
#ifndef TECHRENO_TESTS_INTEGRATION_BANKLINK_FIXTURE_H_
#define TECHRENO_TESTS_INTEGRATION_BANKLINK_FIXTURE_H_

#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "techreno/v1/banklink.grpc.pb.h"
#include "tests/integration/harness.h"

namespace techreno::testing {

class BankLinkFixture : public DbTest {
 protected:
  void SetUp() override {
    DbTest::SetUp();
    if (env_ == nullptr) return;
    bank_ = v1::BankLink::NewStub(env_->channel());
  }

  // Numbers for sample enterprises and projects, apart per process: ctest
  // runs each test in a process of its own, all on one database, and a
  // sample's credit code and source record come from its number.
  static int Next() {
    static std::atomic<int> n{0};
    return static_cast<int>(getpid() % 9000) * 1000 + (++n % 1000);
  }
  std::string Province() { return env_->Token("province", "440000"); }
  std::string Bank(const std::string& id, const std::string& label = "") {
    return env_->Token("bank", id, label);
  }

  // A registered project of `county` (with consent unless said otherwise, and
  // a financing need of `need` fen); its code.
  std::string Project(const std::string& county, bool consent = true, int64_t need = 500'000'000,
                      const std::string& description = "") {
    auto registry = env_->Registry();
    const int n = Next();
    const std::string token = env_->Token("county", county);
    v1::UpsertEnterpriseRequest ereq;
    ereq.set_request_id(absl::StrCat("bl-e-", n, "-", absl::ToUnixNanos(absl::Now())));
    *ereq.mutable_enterprise() = SampleEnterprise(county, n);
    v1::UpsertEnterpriseResponse eresp;
    EXPECT_TRUE(registry->UpsertEnterprise(TestEnv::Context(token).get(), ereq, &eresp).ok());
    v1::UpsertProjectRequest preq;
    preq.set_request_id(absl::StrCat("bl-p-", n, "-", absl::ToUnixNanos(absl::Now())));
    *preq.mutable_project() = SampleProject(county, ereq.enterprise().credit_code(), n);
    preq.mutable_project()->set_share_with_banks(consent);
    preq.mutable_project()->set_financing_need_fen(need);
    if (!description.empty()) preq.mutable_project()->set_description(description);
    v1::UpsertProjectResponse presp;
    grpc::Status s = registry->UpsertProject(TestEnv::Context(token).get(), preq, &presp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return presp.project().project_code();
  }

  std::unique_ptr<v1::BankLink::Stub> bank_;
};

}  // namespace techreno::testing

#endif  // TECHRENO_TESTS_INTEGRATION_BANKLINK_FIXTURE_H_
