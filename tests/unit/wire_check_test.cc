// Unit tests for libs/rpc/wire_check: naming the fields that hold invalid
// UTF-8 and repairing the bytes, and the size limits of request fields.
#include "libs/rpc/wire_check.h"

#include "gtest/gtest.h"
#include "techreno/v1/banklink.pb.h"
#include "techreno/v1/monitoring.pb.h"
#include "techreno/v1/registry.pb.h"

namespace techreno::rpc {
namespace {

std::string Bytes(const google::protobuf::Message& m) {
  std::string out;
  m.SerializeToString(&out);  // protobuf logs invalid UTF-8 here, and writes it
  return out;
}

TEST(WireCheckTest, ValidBytesPassUnchanged) {
  v1::PushProjectsRequest r;
  r.mutable_project()->set_name("智能化改造");
  r.set_request_id("abc");
  const std::string bytes = Bytes(r);
  SanitizedMessage s = SanitizeMessageBytes(*r.GetDescriptor(), bytes);
  EXPECT_TRUE(s.well_formed);
  EXPECT_TRUE(s.invalid_utf8_paths.empty());
  EXPECT_EQ(s.bytes, bytes);
}

TEST(WireCheckTest, NamesNestedFieldsAndRepairsTheRest) {
  v1::PushProjectsRequest r;
  r.mutable_project()->set_name("\xB9\xE3\xB6\xAB");  // GB18030, not UTF-8
  r.mutable_project()->set_source_record_id("SRC-1");
  r.mutable_project()->set_planned_investment_fen(123);
  r.set_request_id("bad\xFF");
  SanitizedMessage s = SanitizeMessageBytes(*r.GetDescriptor(), Bytes(r));
  ASSERT_TRUE(s.well_formed);
  // In wire order: request_id is field 1, project field 2.
  EXPECT_EQ(s.invalid_utf8_paths, (std::vector<std::string>{"request_id", "project.name"}));
  v1::PushProjectsRequest repaired;
  ASSERT_TRUE(repaired.ParseFromString(s.bytes));
  EXPECT_EQ(repaired.project().source_record_id(), "SRC-1");
  EXPECT_EQ(repaired.project().planned_investment_fen(), 123);
  EXPECT_EQ(repaired.project().name(), "\\xb9\\xe3\\xb6\\xab");
}

TEST(WireCheckTest, RepeatedFieldsAreNamedByPosition) {
  v1::ListProjectsResponse r;
  r.add_projects()->set_name("ok");
  r.add_projects()->set_name("\xC0\xAF");
  r.add_projects()->set_description("\xE4\xB8");  // truncated sequence
  SanitizedMessage s = SanitizeMessageBytes(*r.GetDescriptor(), Bytes(r));
  ASSERT_TRUE(s.well_formed);
  EXPECT_EQ(s.invalid_utf8_paths,
            (std::vector<std::string>{"projects[1].name", "projects[2].description"}));
}

TEST(WireCheckTest, ManyBadFieldsAreCounted) {
  v1::QueryAggregatesRequest r;
  for (int i = 0; i < 50; ++i) r.add_region_codes("\xFF");
  SanitizedMessage s = SanitizeMessageBytes(*r.GetDescriptor(), Bytes(r));
  ASSERT_TRUE(s.well_formed);
  EXPECT_EQ(s.invalid_utf8_paths.size(), static_cast<size_t>(kMaxReportedPaths));
  EXPECT_EQ(s.more_paths, 50 - kMaxReportedPaths);
}

TEST(WireCheckTest, BrokenEncodingIsNotWellFormed) {
  const v1::PushProjectsRequest r;
  EXPECT_FALSE(SanitizeMessageBytes(*r.GetDescriptor(), "\x0a\xff\xff\xff\xff\x0f").well_formed);
  // A nested message whose own bytes are broken.
  EXPECT_FALSE(
      SanitizeMessageBytes(*r.GetDescriptor(), std::string("\x12\x02\x0a\x05", 4)).well_formed);
}

TEST(WireCheckTest, OversizedFieldsAreFoundAndSmallMessagesSkipped) {
  v1::QueryAggregatesRequest r;
  r.set_from_period(std::string(9000, '2'));
  for (int i = 0; i < 1001; ++i) r.add_region_codes("440103");
  const auto found = OversizedFields(r, r.ByteSizeLong());
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].path, "from_period");
  EXPECT_EQ(found[0].description, "is 9000 bytes; at most 8192");
  EXPECT_EQ(found[1].path, "region_codes");
  EXPECT_EQ(found[1].description, "has 1001 elements; at most 1000");

  v1::UpsertProjectRequest nested;
  nested.mutable_project()->set_description(std::string(8193, 'x'));
  const auto deep = OversizedFields(nested, nested.ByteSizeLong());
  ASSERT_EQ(deep.size(), 1u);
  EXPECT_EQ(deep[0].path, "project.description");

  v1::UpsertProjectRequest fine;
  fine.mutable_project()->set_description(std::string(8192, 'x'));
  EXPECT_TRUE(OversizedFields(fine, fine.ByteSizeLong()).empty());
}

TEST(WireCheckTest, APublicationMayListTenThousandItems) {
  v1::PublishRecommendationsRequest publication;
  for (int i = 0; i < 10'000; ++i)
    publication.add_items()->set_project_code("2026-440103-00-03-000011");
  EXPECT_TRUE(OversizedFields(publication, publication.ByteSizeLong()).empty());
  publication.add_items();
  const auto found = OversizedFields(publication, publication.ByteSizeLong());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].path, "items");
  EXPECT_EQ(found[0].description, "has 10001 elements; at most 10000");
  // Other repeated fields keep the general limit.
  for (int i = 0; i < 1001; ++i) publication.add_bank_ids("icbc-gd");
  EXPECT_EQ(OversizedFields(publication, publication.ByteSizeLong()).size(), 2u);
}

TEST(WireCheckTest, RequestTypesAreTheInputsOfMethods) {
  EXPECT_TRUE(IsRequestType(*v1::UpsertProjectRequest::descriptor()));
  EXPECT_TRUE(IsRequestType(*v1::PushProjectsRequest::descriptor()));
  EXPECT_TRUE(IsRequestType(*v1::QueryAggregatesRequest::descriptor()));
  EXPECT_FALSE(IsRequestType(*v1::Project::descriptor()));
  EXPECT_FALSE(IsRequestType(*v1::ListProjectsResponse::descriptor()));
}

}  // namespace
}  // namespace techreno::rpc
