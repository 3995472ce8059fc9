#include "services/monitoring/buckets.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/codes/codes.h"
#include "libs/rpc/status.h"

namespace techreno::monitoring {
namespace {

int MonthsPer(v1::Granularity g) {
  switch (g) {
    case v1::GRANULARITY_MONTH:
      return 1;
    case v1::GRANULARITY_QUARTER:
      return 3;
    case v1::GRANULARITY_HALF_YEAR:
      return 6;
    case v1::GRANULARITY_YEAR:
      return 12;
    default:
      return 0;
  }
}

std::string Label(v1::Granularity g, int first) {
  const int year = first / 12, month0 = first % 12;
  switch (g) {
    case v1::GRANULARITY_MONTH:
      return PeriodOf(first);
    case v1::GRANULARITY_QUARTER:
      return absl::StrCat(year, "Q", month0 / 3 + 1);
    case v1::GRANULARITY_HALF_YEAR:
      return absl::StrCat(year, "H", month0 / 6 + 1);
    default:
      return absl::StrCat(year);
  }
}

}  // namespace

std::string PeriodOf(int index) { return absl::StrFormat("%04d-%02d", index / 12, index % 12 + 1); }

absl::StatusOr<std::vector<Bucket>> MakeBuckets(v1::Granularity granularity,
                                                const std::string& from_period,
                                                const std::string& to_period) {
  const int step = MonthsPer(granularity);
  if (step == 0) {
    return rpc::InvalidField("granularity", "choose month, quarter, half-year or year");
  }
  auto from = codes::ParsePeriod(from_period);
  if (!from.ok()) return rpc::InvalidField("from_period", std::string(from.status().message()));
  auto to = codes::ParsePeriod(to_period);
  if (!to.ok()) return rpc::InvalidField("to_period", std::string(to.status().message()));
  if (to->Index() < from->Index()) {
    return rpc::InvalidField("to_period", absl::StrCat(to_period, " is before ", from_period));
  }
  if ((from->month - 1) % step != 0) {
    return rpc::InvalidField(
        "from_period", absl::StrCat(from_period, " is not the first month of a ",
                                    v1::Granularity_Name(granularity), " bucket; start on one"));
  }
  if (to->Index() - from->Index() + 1 > 120) {
    return rpc::InvalidField("to_period", "a query spans at most 120 months");
  }
  std::vector<Bucket> out;
  for (int first = from->Index(); first <= to->Index(); first += step) {
    Bucket b;
    b.first = first;
    b.last = std::min(first + step - 1, to->Index());
    b.partial = b.last < first + step - 1;
    b.label = Label(granularity, first);
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace techreno::monitoring
