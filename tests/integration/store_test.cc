// libs/store against a real PostgreSQL: migrations, reference data, the pool's
// recovery from lost connections, and transaction retries.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "libs/auth/tokens.h"
#include "libs/store/migrations.h"
#include "libs/store/transaction.h"
#include "tests/integration/harness.h"

namespace techreno::testing {
namespace {

class StoreTest : public DbTest {
 protected:
  int64_t Count(const std::string& sql) {
    int64_t n = -1;
    absl::Status s = store::RunInTransaction(env_->pool(), [&](pqxx::transaction_base& tx) {
      n = tx.exec(sql)[0][0].as<int64_t>();
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
    return n;
  }
};

TEST_F(StoreTest, MigrationsApplyOnceAndReferenceDataIsSeeded) {
  auto again = store::ApplyMigrations(env_->pool());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->empty());  // the harness applied them all already
  EXPECT_GE(Count("SELECT count(*) FROM schema_migrations"), 2);
  ASSERT_TRUE(store::SeedReferenceData(env_->pool()).ok());  // repeatable
  EXPECT_EQ(Count("SELECT count(*) FROM regions"), 144);
  EXPECT_EQ(Count("SELECT count(*) FROM regions WHERE tier = 'county'"), 122);
  EXPECT_EQ(Count("SELECT count(*) FROM industries WHERE level = 'division' "
                  "AND code BETWEEN '06' AND '46'"),
            41);
}

TEST_F(StoreTest, PoolRecoversAfterTheServerDropsConnections) {
  store::Pool pool({env_->dsn(), 2});
  auto ping = [&] {
    return store::RunInTransaction(pool, [](pqxx::transaction_base& tx) {
      tx.exec("SELECT 1");
      return absl::OkStatus();
    });
  };
  ASSERT_TRUE(ping().ok());
  // Kill every backend of this pool's database except ours.
  ASSERT_TRUE(store::RunInTransaction(env_->pool(), [](pqxx::transaction_base& tx) {
                tx.exec(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()");
                return absl::OkStatus();
              }).ok());
  EXPECT_TRUE(ping().ok());  // the broken connection was dropped and replaced
  EXPECT_TRUE(ping().ok());
}

TEST_F(StoreTest, UnreachableServerIsUnavailable) {
  store::Pool pool({"host=127.0.0.1 port=1 connect_timeout=2", 1});
  absl::Status s = store::RunInTransaction(
      pool, [](pqxx::transaction_base&) { return absl::OkStatus(); }, /*max_attempts=*/2);
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;
}

TEST_F(StoreTest, SerializationFailuresAreRetried) {
  ASSERT_TRUE(store::RunInTransaction(env_->pool(), [](pqxx::transaction_base& tx) {
                tx.exec("CREATE TABLE IF NOT EXISTS retry_counter (id int PRIMARY KEY, n int)");
                tx.exec("INSERT INTO retry_counter VALUES (1, 0) ON CONFLICT DO NOTHING");
                return absl::OkStatus();
              }).ok());
  // Serializable read-modify-write from several threads: conflicts abort some
  // attempts; the retries must make every increment land exactly once.
  constexpr int kThreads = 4, kIncrements = 25;
  std::atomic<int> attempts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        absl::Status s = store::RunInTransaction(
            env_->pool(),
            [&](pqxx::transaction_base& tx) {
              ++attempts;
              tx.exec("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
              int n = tx.exec("SELECT n FROM retry_counter WHERE id = 1")[0][0].as<int>();
              tx.exec_params("UPDATE retry_counter SET n = $1 WHERE id = 1", n + 1);
              return absl::OkStatus();
            },
            /*max_attempts=*/50);
        EXPECT_TRUE(s.ok()) << s;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(Count("SELECT n FROM retry_counter WHERE id = 1"), kThreads * kIncrements);
  EXPECT_GE(attempts.load(), kThreads * kIncrements);
}

TEST_F(StoreTest, BodyErrorRollsBack) {
  absl::Status s = store::RunInTransaction(env_->pool(), [](pqxx::transaction_base& tx) {
    tx.exec("CREATE TABLE rolled_back (x int)");
    return absl::FailedPreconditionError("changed my mind");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Count("SELECT count(*) FROM pg_tables WHERE tablename = 'rolled_back'"), 0);
}

TEST_F(StoreTest, SqlErrorsMapToStatus) {
  absl::Status s = store::RunInTransaction(env_->pool(), [](pqxx::transaction_base& tx) {
    tx.exec("INSERT INTO regions (code, name, tier) VALUES ('12', 'x', 'county')");
    return absl::OkStatus();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;  // CHECK constraint
}

}  // namespace
}  // namespace techreno::testing

namespace techreno::testing {
namespace {

// Authentication remembers principals for a few seconds; never across
// databases: a token of this database is unknown to another one.
TEST_F(StoreTest, ARememberedPrincipalIsUnknownToAnotherDatabase) {
  const std::string token = env_->Token("county", "440105");
  ASSERT_TRUE(auth::Authenticate(env_->pool(), "Bearer " + token).ok());
  ASSERT_TRUE(auth::Authenticate(env_->pool(), "Bearer " + token).ok());  // remembered
  const std::string other_db = absl::StrCat("techreno_other_", getpid());
  {
    pqxx::connection admin(std::getenv("TECHRENO_TEST_DSN"));
    pqxx::nontransaction tx(admin);
    tx.exec("DROP DATABASE IF EXISTS " + other_db);
    tx.exec("CREATE DATABASE " + other_db);
  }
  store::Pool other({absl::StrCat(std::getenv("TECHRENO_TEST_DSN"), " dbname=", other_db), 2});
  ASSERT_TRUE(store::ApplyMigrations(other).ok());
  EXPECT_TRUE(absl::IsUnauthenticated(auth::Authenticate(other, "Bearer " + token).status()));
}

}  // namespace
}  // namespace techreno::testing
