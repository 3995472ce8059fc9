#include "services/registry/project_row.h"

#include <google/protobuf/util/time_util.h>

#include "libs/store/arrays.h"

namespace techreno::registry {
namespace {

using google::protobuf::util::TimeUtil;

}  // namespace

v1::Project ProjectFromRow(const pqxx::row& r) {
  v1::Project p;
  p.set_project_code(r[0].c_str());
  p.set_enterprise_credit_code(r[1].c_str());
  p.set_county_code(r[2].c_str());
  p.set_industry_code(r[3].c_str());
  p.set_name(r[4].c_str());
  store::ParseIntArray(r[5].c_str(), p.mutable_renovation_types());
  store::ParseIntArray(r[6].c_str(), p.mutable_requested_support());
  p.set_planned_investment_fen(r[7].as<int64_t>());
  p.set_planned_equipment_investment_fen(r[8].as<int64_t>());
  p.set_start_period(r[9].c_str());
  p.set_planned_completion_period(r[10].c_str());
  p.set_status(static_cast<v1::ProjectStatus>(r[11].as<int>()));
  p.set_financing_need_fen(r[12].as<int64_t>());
  p.set_share_with_banks(r[13].as<bool>());
  p.set_source_record_id(r[14].c_str());
  p.set_description(r[15].c_str());
  p.set_withdraw_reason(r[16].c_str());
  p.set_version(r[17].as<int64_t>());
  *p.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(r[18].as<int64_t>());
  *p.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(r[19].as<int64_t>());
  return p;
}

}  // namespace techreno::registry
