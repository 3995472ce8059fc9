// techreno bank list | watch | feedback | overdue | stats | score | publish |
// policy: BankLink (优质技改项目向银行推荐), the province's recommendations of
// projects to partner banks and the banks' feedback. Chinese headers, money in
// 万元, days and times in China time (UTC+8, the contract's clock).
#include <fcntl.h>
#include <google/protobuf/util/json_util.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "clients/cli/choices.h"
#include "clients/cli/client.h"
#include "clients/cli/commands.h"
#include "clients/cli/format.h"
#include "clients/cli/paging.h"
#include "clients/cli/records.h"
#include "clients/cli/table_output.h"
#include "libs/codes/codes.h"
#include "techreno/v1/banklink.grpc.pb.h"

namespace techreno::cli {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;
using google::protobuf::Timestamp;

constexpr int64_t kMaxPageSize = 1000;  // the contract's upper bound

// ------------------------------------------------------------------- flags

const absl::flat_hash_map<std::string, v1::FeedbackState>& FeedbackStates() {
  static const auto* states = new absl::flat_hash_map<std::string, v1::FeedbackState>{
      {"contacted", v1::FEEDBACK_STATE_CONTACTED},  {"reviewing", v1::FEEDBACK_STATE_REVIEWING},
      {"granted", v1::FEEDBACK_STATE_LOAN_GRANTED}, {"declined", v1::FEEDBACK_STATE_DECLINED},
      {"none", v1::FEEDBACK_STATE_UNSPECIFIED},     {"已对接", v1::FEEDBACK_STATE_CONTACTED},
      {"审批中", v1::FEEDBACK_STATE_REVIEWING},     {"已放贷", v1::FEEDBACK_STATE_LOAN_GRANTED},
      {"已拒绝", v1::FEEDBACK_STATE_DECLINED},      {"未反馈", v1::FEEDBACK_STATE_UNSPECIFIED},
  };
  return *states;
}

// A day "YYYY-MM-DD" (empty: not given) as its midnight in China time, to
// `set`; false (after saying why) when it is not a day.
template <typename Setter>
bool DayFlag(const char* flag, const std::string& text, Setter set) {
  if (text.empty()) return true;
  absl::CivilDay day;
  // ParseCivilTime turns 2025-02-30 into March: only a day that prints back as
  // typed is a real one.
  if (!absl::ParseCivilTime(text, &day) || absl::FormatCivilTime(day) != text) {
    std::cerr << "error: --" << flag << ": '" << text << "' is not a day YYYY-MM-DD\n";
    return false;
  }
  // A day's last second (China time), or now for today: a step taken "on the
  // day" a project arrived is never before it arrived.
  const absl::Time end = absl::FromCivil(day + 1, codes::ChinaStandardTime()) - absl::Seconds(1);
  Timestamp time;
  time.set_seconds(absl::ToUnixSeconds(std::min(end, absl::Now())));
  set(time);
  return true;
}

// Shows a page's items until --limit is reached (JSON lines, or rows of
// `table`), counting them in `shown`.
template <typename Items, typename RowOf>
void ShowPage(const Items& items, bool json, const BankOptions& bank, RowOf row_of, Table& table,
              int64_t& shown) {
  for (const auto& item : items) {
    if (!bank.all && shown == bank.limit) break;
    if (json) {
      std::cout << ToJsonLine(item) << "\n";
    } else {
      table.AddRow(row_of(item));
    }
    ++shown;
  }
}

bool CheckLimit(const BankOptions& bank) {
  if (bank.all || bank.limit > 0) return true;
  std::cerr << "error: --limit must be positive (or use --all)\n";
  return false;
}

// The page size that reads no more than --limit asks for.
int32_t PageSize(const BankOptions& bank, int64_t shown) {
  return static_cast<int32_t>(bank.all ? kMaxPageSize : std::min(kMaxPageSize, bank.limit - shown));
}

// `text` as one shell word: as it is when it is safe, else in single quotes.
std::string ShellWord(const std::string& text) {
  const bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
           std::strchr("_-./=+:,@%", c) != nullptr;
  });
  if (plain) return text;
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// "techreno bank watch START --region=... --industry=...": the filters must be
// the same when a watch resumes.
std::string WatchCommand(const BankOptions& bank, const std::string& start) {
  std::string command = absl::StrCat("techreno bank watch ", start);
  if (!bank.region.empty()) absl::StrAppend(&command, " --region=", ShellWord(bank.region));
  if (!bank.industry.empty()) absl::StrAppend(&command, " --industry=", ShellWord(bank.industry));
  return command;
}

// ------------------------------------------------------------------ labels

// "440103 荔湾区", or "-" when the server sent no region (retracted projects).
std::string Region(const v1::RegionRef& region) {
  return region.code().empty() ? "-" : RegionLabel(region, region.code());
}

std::string BankName(const std::string& id, const std::string& name) {
  return name.empty() ? id : name;
}

// "30", "12.5": points and percentages as people write them.
std::string Number(double value) {
  std::string text = absl::StrFormat("%.1f", value);
  if (absl::EndsWith(text, ".0")) text.resize(text.size() - 2);
  return text;
}

// 435 basis points -> "4.35%".
std::string Rate(int32_t basis_points) {
  return absl::StrFormat("%d.%02d%%", basis_points / 100, basis_points % 100);
}

// "[banklink.project.consent] message; ..." for a result's findings.
std::string Findings(const google::protobuf::RepeatedPtrField<v1::Violation>& violations) {
  std::vector<std::string> parts;
  for (const v1::Violation& v : violations) {
    parts.push_back(absl::StrCat("[", v.rule_id(), "] ", v.message()));
  }
  return parts.empty() ? "-" : absl::StrJoin(parts, "；");
}

// ------------------------------------------------------------------- list

bool BuildListRequest(const BankOptions& bank, v1::ListRecommendationsRequest* request) {
  request->set_region_code(bank.region);
  for (const std::string& code : SplitList(bank.industry)) request->add_industry_codes(code);
  request->set_publication_id(bank.publication);
  request->set_include_retracted(bank.include_retracted);
  return CheckLimit(bank) && ParseChoiceList("state", *v1::FeedbackState_descriptor(), bank.state,
                                             FeedbackStates(), request->mutable_feedback_states());
}

// One feedback: its state and day; several (the province's view): per bank.
std::string FeedbackCell(const v1::Recommendation& r) {
  const auto& all = r.feedback();
  if (all.empty()) return "未反馈";
  if (all.size() == 1) {
    return absl::StrCat(EnumLabel(*v1::FeedbackState_descriptor(), all[0].state()), " ",
                        FormatChinaDate(all[0].update_time()));
  }
  std::vector<std::string> parts;
  for (const v1::BankFeedback& f : all) {
    parts.push_back(absl::StrCat(BankName(f.bank_id(), f.bank_name()), " ",
                                 EnumLabel(*v1::FeedbackState_descriptor(), f.state())));
  }
  return absl::StrJoin(parts, "；");
}

std::vector<std::string> RecommendationRow(const v1::Recommendation& r) {
  const v1::RecommendedProject& p = r.project();
  return {r.project_code(),
          p.name().empty() ? "-" : p.name(),
          Region(p.county()),
          r.has_project() ? FormatWanNumber(p.financing_need_fen()) : "-",
          EnumLabel(*v1::RecommendationState_descriptor(), r.state()),
          FeedbackCell(r),
          absl::StrJoin(r.publication_ids(), ",")};
}

// ------------------------------------------------------------------ watch

std::atomic<bool> sigint_received{false};
static_assert(std::atomic<bool>::is_always_lock_free,
              "a signal handler may only touch lock-free atomics");

extern "C" void OnSigint(int) { sigint_received.store(true); }

// While alive, Ctrl-C (SIGINT) cancels the call of `context` instead of
// ending the process. The handler only sets a flag: TryCancel is not
// async-signal-safe, so a thread polls the flag every 100 ms, cancels, and
// gives SIGINT back its previous action (a second Ctrl-C ends at once).
class CancelOnInterrupt {
 public:
  explicit CancelOnInterrupt(grpc::ClientContext* context)
      : previous_(std::signal(SIGINT, OnSigint)), thread_([this, context] { Poll(context); }) {}
  ~CancelOnInterrupt() {
    done_.store(true);
    thread_.join();
    std::signal(SIGINT, previous_);
  }
  CancelOnInterrupt(const CancelOnInterrupt&) = delete;
  CancelOnInterrupt& operator=(const CancelOnInterrupt&) = delete;

  bool interrupted() const { return sigint_received.load(); }

 private:
  void Poll(grpc::ClientContext* context) {
    while (!done_.load()) {
      if (sigint_received.load()) {
        context->TryCancel();
        std::signal(SIGINT, previous_);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  using Handler = void (*)(int);
  const Handler previous_;
  std::atomic<bool> done_{false};
  std::thread thread_;  // last: it starts once the members above are set
};

std::string DefaultCursorFile() {
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') return "";
  return absl::StrCat(home, "/.config/techreno/bank-cursor");
}

// The saved cursor; "" when there is none (no file yet: watch from now).
std::string LoadCursor(const std::string& path) {
  std::ifstream in(path);
  std::string cursor;
  std::getline(in, cursor);
  return std::string(absl::StripAsciiWhitespace(cursor));
}

bool WriteAll(int fd, const std::string& text) {
  for (size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Replaces the file at `path` with `cursor`: written to a temporary file
// beside it, synced, then renamed over it, so that a crash leaves the old
// cursor or the new one, never part of one. False after saying why.
bool SaveCursor(const std::string& path, const std::string& cursor) {
  const std::string temp = absl::StrCat(path, ".tmp.", ::getpid());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool ok = fd >= 0 && WriteAll(fd, absl::StrCat(cursor, "\n")) && ::fsync(fd) == 0;
  int error = errno;
  if (fd >= 0 && ::close(fd) != 0 && ok) {
    ok = false;
    error = errno;
  }
  if (ok && std::rename(temp.c_str(), path.c_str()) != 0) {
    ok = false;
    error = errno;
  }
  if (!ok) {
    std::cerr << "error: cannot write the cursor to " << path << ": " << std::strerror(error)
              << "\n";
    ::unlink(temp.c_str());
  }
  return ok;
}

// The cursor file's path, its directory created; "" after saying why not.
std::string CursorFile(const BankOptions& bank) {
  const std::string path = bank.cursor_file.empty() ? DefaultCursorFile() : bank.cursor_file;
  if (path.empty()) {
    std::cerr << "error: $HOME is not set: give --cursor_file=PATH\n";
    return "";
  }
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code error;
  if (!parent.empty()) std::filesystem::create_directories(parent, error);
  if (error) {
    std::cerr << "error: cannot create " << parent.string() << ": " << error.message() << "\n";
    return "";
  }
  return path;
}

// The request and where it starts: --cursor (saved at once, so that the
// resume hint holds even before the first event), else the cursor file's,
// else now.
bool BuildWatchRequest(const BankOptions& bank, const std::string& path,
                       v1::WatchRecommendationsRequest* request) {
  request->set_region_code(bank.region);
  for (const std::string& code : SplitList(bank.industry)) request->add_industry_codes(code);
  request->set_heartbeat_seconds(bank.heartbeat_seconds);
  request->set_max_events_per_message(100);  // a burst in few messages; each shown alone
  if (!bank.cursor.empty()) {
    request->set_cursor(bank.cursor);
    std::cerr << "从 --cursor 接续监听（Ctrl-C 停止）\n";
    return SaveCursor(path, bank.cursor);
  }
  request->set_cursor(LoadCursor(path));
  std::cerr << (request->cursor().empty() ? std::string("从现在开始监听")
                                          : absl::StrCat("从 ", path, " 的游标接续监听"))
            << "（Ctrl-C 停止）\n";
  return true;
}

// One line per event as it comes (flushed: the output may be a pipe);
// heartbeats only as "(心跳)" on stderr.
void ShowEvent(const GlobalOptions& options, const v1::RecommendationEvent& e) {
  if (options.format == OutputFormat::kJson) {
    // One line an event: the batch's further events get lines of their own.
    v1::RecommendationEvent one = e;
    one.clear_more();
    std::cout << ToJsonLine(one) << std::endl;
    return;
  }
  if (e.kind() == v1::RECOMMENDATION_EVENT_KIND_HEARTBEAT) {
    std::cerr << "(心跳)\n";
    return;
  }
  const v1::Recommendation& r = e.recommendation();
  std::vector<std::string> parts = {FormatChinaTime(e.event_time()),
                                    EnumLabel(*v1::RecommendationEventKind_descriptor(), e.kind()),
                                    r.project_code()};
  if (r.has_project()) {
    parts.insert(parts.end(),
                 {r.project().name(), Region(r.project().county()),
                  absl::StrCat("融资需求 ", FormatWan(r.project().financing_need_fen()))});
  }
  if (e.kind() == v1::RECOMMENDATION_EVENT_KIND_RETRACTED && !r.retract_reason().empty()) {
    parts.push_back(absl::StrCat("撤回原因：", r.retract_reason()));
  }
  std::cout << absl::StrJoin(parts, "  ") << std::endl;
}

// The exit code once the stream has ended, with what to do next.
int WatchEnded(const GlobalOptions& options, const BankOptions& bank, const std::string& path,
               const grpc::Status& status, bool interrupted) {
  const std::string resume = WatchCommand(bank, absl::StrCat("--cursor_file=", ShellWord(path)));
  if (interrupted) {
    std::cerr << "已停止；接续：" << resume << "\n";
    return kExitOk;
  }
  if (status.ok()) {
    std::cerr << "服务器结束了监听；接续：" << resume << "\n";
    return kExitFailure;
  }
  ReportRpcError(options, status);
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    std::cerr << "服务器不可用或已断开；接续：" << resume << "\n";
  } else if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
    std::cerr << "监听落后过多（或同一账号的监听过多），服务器已结束本次监听；接续：" << resume
              << "\n";
  } else if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    std::cerr << "游标已过期：先用 techreno bank list --all 重新同步，再按其提示接续监听\n";
  }
  return kExitFailure;
}

// ---------------------------------------------------------------- feedback

bool RateFlag(const std::string& text, v1::SubmitFeedbackRequest* request) {
  if (text.empty()) return true;
  absl::StatusOr<int64_t> bp = ParsePercentToBasisPoints(text);
  if (bp.ok() && (*bp > std::numeric_limits<int32_t>::max() || *bp < 0)) {
    bp = absl::InvalidArgumentError(absl::StrCat("'", text, "' is not a rate in %"));
  }
  if (!bp.ok()) {
    std::cerr << "error: --rate_pct: " << bp.status().message() << "\n";
    return false;
  }
  request->set_interest_rate_bp(static_cast<int32_t>(*bp));
  return true;
}

bool ParseFeedbackState(const std::string& text, v1::FeedbackState* state) {
  if (text.empty()) {
    std::cerr << "error: bank feedback needs --state=contacted|reviewing|granted|declined\n";
    return false;
  }
  if (!ParseChoice("state", *v1::FeedbackState_descriptor(), text, FeedbackStates(), state)) {
    return false;
  }
  if (*state != v1::FEEDBACK_STATE_UNSPECIFIED) return true;
  std::cerr << "error: --state=" << text << ": report contacted, reviewing, granted or declined\n";
  return false;
}

// The request from the flags; false (after saying why) when one does not
// parse. Which fields fit which state is the server's rule.
bool BuildFeedback(const std::string& code, const BankOptions& bank, v1::SubmitFeedbackRequest* r) {
  v1::FeedbackState state;
  if (!ParseFeedbackState(bank.state, &state)) return false;
  r->set_request_id(GivenOrRandomRequestId(bank.request_id));
  r->set_project_code(code);
  r->set_state(state);
  r->set_term_months(bank.term_months);
  r->set_decline_detail(bank.detail);
  r->set_note(bank.note);
  r->set_expected_version(bank.expected_version);
  bool ok = WanFlag("loan_wan", bank.loan_wan, [&](int64_t f) { r->set_loan_amount_fen(f); });
  ok &= WanFlag("disbursed_wan", bank.disbursed_wan, [&](int64_t f) { r->set_disbursed_fen(f); });
  ok &= RateFlag(bank.rate_pct, r);
  ok &= DayFlag("disbursed_on", bank.disbursed_on,
                [&](const Timestamp& t) { *r->mutable_disbursement_time() = t; });
  ok &= DayFlag("effective", bank.effective,
                [&](const Timestamp& t) { *r->mutable_effective_time() = t; });
  if (!bank.decline_reason.empty()) {
    v1::DeclineReason reason;
    const bool parsed =
        ParseEnum("decline_reason", *v1::DeclineReason_descriptor(), bank.decline_reason, &reason);
    if (parsed) r->set_decline_reason(reason);
    ok &= parsed;
  }
  return ok;
}

void AddLoanFields(const v1::BankFeedback& f, Fields& out) {
  out.emplace_back("贷款金额", FormatWan(f.loan_amount_fen()));
  if (f.interest_rate_bp() != 0) out.emplace_back("年利率", Rate(f.interest_rate_bp()));
  if (f.term_months() != 0) out.emplace_back("期限", absl::StrCat(f.term_months(), " 个月"));
  if (f.disbursed_fen() != 0) {
    out.emplace_back("已发放", FormatWan(f.disbursed_fen()));
    out.emplace_back("首次发放日期", FormatChinaDate(f.disbursement_time()));
  }
  out.emplace_back("贴息估算", f.interest_rate_bp() != 0 && f.term_months() != 0
                                   ? FormatWan(f.subsidy_estimate_fen())
                                   : "-（报送利率和期限后估算）");
}

Fields FeedbackFields(const v1::BankFeedback& f) {
  Fields out = {{"项目代码", f.project_code()},
                {"银行", BankName(f.bank_id(), f.bank_name())},
                {"状态", EnumLabel(*v1::FeedbackState_descriptor(), f.state())},
                {"版本", absl::StrCat(f.version())}};
  if (f.state() == v1::FEEDBACK_STATE_LOAN_GRANTED) AddLoanFields(f, out);
  if (f.state() == v1::FEEDBACK_STATE_DECLINED) {
    std::string reason = EnumLabel(*v1::DeclineReason_descriptor(), f.decline_reason());
    if (!f.decline_detail().empty()) absl::StrAppend(&reason, "：", f.decline_detail());
    out.emplace_back("拒绝原因", reason);
  }
  if (!f.note().empty()) out.emplace_back("备注", f.note());
  out.emplace_back("生效日期", FormatChinaDate(f.effective_time()));
  out.emplace_back("首次反馈", FormatChinaTime(f.first_time()));
  out.emplace_back("更新时间", FormatChinaTime(f.update_time()));
  out.emplace_back("提交人", f.submitted_by());
  // Output-only fields an older server may leave out.
  out.erase(std::remove_if(out.begin(), out.end(), [](const auto& f) { return f.second.empty(); }),
            out.end());
  return out;
}

// ----------------------------------------------------------------- overdue

std::vector<std::string> OverdueRow(const v1::OverdueRecommendation& o) {
  return {BankName(o.bank_id(), o.bank_name()),
          o.project_code(),
          o.project_name(),
          Region(o.county()),
          FormatChinaDate(o.received_time()),
          o.due_date(),
          absl::StrCat(o.working_days_overdue()),
          FormatWanNumber(o.financing_need_fen())};
}

// ------------------------------------------------------------------- stats

using Dimensions = std::vector<v1::MatchingDimension>;

bool ParseDimensions(const std::string& text, Dimensions* out) {
  static const auto* aliases = new absl::flat_hash_map<std::string, v1::MatchingDimension>{
      {"bank", v1::MATCHING_DIMENSION_BANK},
      {"city", v1::MATCHING_DIMENSION_CITY},
      {"county", v1::MATCHING_DIMENSION_COUNTY},
      {"industry", v1::MATCHING_DIMENSION_INDUSTRY_DIVISION},
      {"type", v1::MATCHING_DIMENSION_RENOVATION_TYPE},
      {"publication", v1::MATCHING_DIMENSION_PUBLICATION},
      {"month", v1::MATCHING_DIMENSION_PUBLISH_MONTH},
  };
  for (const std::string& name : SplitList(text)) {
    v1::MatchingDimension d;
    if (!ParseChoice("group_by", *v1::MatchingDimension_descriptor(), name, *aliases, &d)) {
      return false;
    }
    out->push_back(d);
  }
  return true;
}

std::string DimensionHeader(v1::MatchingDimension d) {
  switch (d) {
    case v1::MATCHING_DIMENSION_BANK:
      return "银行";
    case v1::MATCHING_DIMENSION_CITY:
      return "地市";
    case v1::MATCHING_DIMENSION_COUNTY:
      return "县区";
    case v1::MATCHING_DIMENSION_INDUSTRY_DIVISION:
      return "行业";
    case v1::MATCHING_DIMENSION_RENOVATION_TYPE:
      return "改造类型";
    case v1::MATCHING_DIMENSION_PUBLICATION:
      return "推荐批次";
    case v1::MATCHING_DIMENSION_PUBLISH_MONTH:
      return "推荐月份";
    default:
      return "?";
  }
}

std::string KeyCell(v1::MatchingDimension d, const v1::MatchingKey& key) {
  switch (d) {
    case v1::MATCHING_DIMENSION_BANK:
      return BankName(key.bank_id(), key.bank_name());
    case v1::MATCHING_DIMENSION_CITY:
      return Region(key.city());
    case v1::MATCHING_DIMENSION_COUNTY:
      return Region(key.county());
    case v1::MATCHING_DIMENSION_INDUSTRY_DIVISION:
      return IndustryLabel(key.industry_division(), key.industry_division_name());
    case v1::MATCHING_DIMENSION_RENOVATION_TYPE:
      return EnumLabel(*v1::RenovationType_descriptor(), key.renovation_type());
    case v1::MATCHING_DIMENSION_PUBLICATION:
      return key.publication_id();
    case v1::MATCHING_DIMENSION_PUBLISH_MONTH:
      return key.publish_month();
    default:
      return "";
  }
}

std::vector<std::string> StatsHeader(const Dimensions& dimensions) {
  std::vector<std::string> header;
  for (v1::MatchingDimension d : dimensions) header.push_back(DimensionHeader(d));
  if (header.empty()) header.push_back("范围");
  header.insert(header.end(), {"推荐项目", "已对接项目", "获贷项目", "对接中", "审批中", "已放贷",
                               "已拒绝", "放贷金额(万元)", "已发放(万元)", "贴息估算(万元)",
                               "逾期未响应", "首次响应中位天数", "P90天数"});
  return header;
}

// A total has an empty key: it says so in the first key column.
std::vector<std::string> StatsRow(const Dimensions& dimensions, const v1::MatchingRow& row,
                                  bool total) {
  std::vector<std::string> cells;
  for (v1::MatchingDimension d : dimensions) {
    cells.push_back(total ? (cells.empty() ? "合计" : "") : KeyCell(d, row.key()));
  }
  if (cells.empty()) cells.push_back("合计");
  const auto days = [](bool has, double value) { return has ? Number(value) : "-"; };
  cells.insert(cells.end(),
               {absl::StrCat(row.recommended_projects()),
                absl::StrCat(row.projects_with_feedback()), absl::StrCat(row.projects_financed()),
                absl::StrCat(row.contacted()), absl::StrCat(row.reviewing()),
                absl::StrCat(row.loans_granted()), absl::StrCat(row.declined()),
                FormatWanNumber(row.loan_amount_fen()), FormatWanNumber(row.disbursed_fen()),
                FormatWanNumber(row.subsidy_estimate_fen()), absl::StrCat(row.overdue()),
                days(row.has_median_days_to_first_contact(), row.median_days_to_first_contact()),
                days(row.has_p90_days_to_first_contact(), row.p90_days_to_first_contact())});
  return cells;
}

bool BuildStatsRequest(const BankOptions& bank, v1::GetMatchingStatsRequest* request,
                       Dimensions* dimensions) {
  if (!ParseDimensions(bank.group_by, dimensions)) return false;
  for (v1::MatchingDimension d : *dimensions) request->add_group_by(d);
  request->set_from_period(bank.from);
  request->set_to_period(bank.to);
  request->set_region_code(bank.region);
  for (const std::string& id : SplitList(bank.banks)) request->add_bank_ids(id);
  request->set_publication_id(bank.publication);
  request->set_include_retracted(bank.include_retracted);
  request->set_page_size(static_cast<int32_t>(kMaxPageSize));
  return true;
}

void PrintDeclines(const GlobalOptions& options, const v1::MatchingRow& total) {
  if (total.decline_reasons().empty()) {
    std::cout << "拒贷原因：无\n";
    return;
  }
  std::cout << "拒贷原因：\n";
  Fields reasons;
  for (const v1::DeclineReasonCount& c : total.decline_reasons()) {
    reasons.emplace_back(absl::StrCat("  ", EnumLabel(*v1::DeclineReason_descriptor(), c.reason())),
                         absl::StrCat(c.count()));
  }
  EmitFields(options, reasons, "拒贷原因");
}

// ------------------------------------------------------------------- score

bool BuildScoreRequest(const BankOptions& bank, v1::ScoreCandidatesRequest* request) {
  for (const std::string& code : SplitList(bank.region)) request->add_region_codes(code);
  for (const std::string& code : SplitList(bank.industry)) request->add_industry_codes(code);
  request->set_on_schedule_only(bank.on_schedule);
  request->set_include_recommended(bank.include_recommended);
  request->set_top_n(bank.top);
  bool ok = ParseEnumList<v1::RenovationType>("type", *v1::RenovationType_descriptor(), bank.types,
                                              request->mutable_renovation_types());
  ok &= WanFlag("min_need_wan", bank.min_need_wan,
                [&](int64_t f) { request->set_min_financing_need_fen(f); });
  ok &= WanFlag("max_need_wan", bank.max_need_wan,
                [&](int64_t f) { request->set_max_financing_need_fen(f); });
  if (!bank.min_tier.empty()) {
    v1::LibraryTier tier;
    const bool parsed = ParseLibraryTier("min_tier", bank.min_tier, &tier);
    if (parsed) request->set_min_tier(tier);
    ok &= parsed;
  }
  return ok;
}

std::vector<std::string> CandidateRow(size_t rank, const v1::Candidate& c, bool recommended) {
  const v1::RecommendedProject& p = c.project();
  std::vector<std::string> row = {
      absl::StrCat(rank),
      Number(c.score()),
      p.project_code(),
      p.name(),
      Region(p.county()),
      c.tier() == v1::LIBRARY_TIER_UNSPECIFIED ? "未入库"
                                               : EnumLabel(*v1::LibraryTier_descriptor(), c.tier()),
      FormatWanNumber(p.financing_need_fen()),
      c.has_gap_points() ? absl::StrFormat("%+.1f", c.gap_points()) : "-"};
  if (recommended) row.push_back(c.recommended() ? "是" : "否");
  return row;
}

// "tier 30/30 省级重点项目库; schedule 20/25 落后进度 5.0 个百分点; ..."
std::string Components(const v1::Candidate& c) {
  std::vector<std::string> parts;
  for (const v1::ScoreComponent& s : c.components()) {
    parts.push_back(absl::StrCat(s.component(), " ", Number(s.points()), "/",
                                 Number(s.max_points()), " ", s.reason()));
  }
  return parts.empty() ? "-" : absl::StrJoin(parts, "; ");
}

void PrintCandidates(const GlobalOptions& options, const v1::ScoreCandidatesResponse& response,
                     bool recommended) {
  std::cout << "评分政策第 " << response.policy_version() << " 版；进度截至 "
            << response.as_of_period() << "；符合条件 " << response.eligible() << " 个，列出前 "
            << response.candidates_size() << " 个\n";
  std::vector<std::string> header = {"排名", "得分",     "项目代码",       "项目名称",
                                     "县区", "入库层级", "融资需求(万元)", "落后进度(百分点)"};
  if (recommended) header.push_back("已推荐");
  Table table(header);
  for (int i = 0; i < response.candidates_size(); ++i) {
    table.AddRow(CandidateRow(i + 1, response.candidates(i), recommended));
  }
  Emit(options, table, "候选项目");
  if (!response.candidates().empty()) std::cout << "\n得分构成：\n";
  for (int i = 0; i < response.candidates_size(); ++i) {
    const v1::Candidate& c = response.candidates(i);
    std::cout << "  " << i + 1 << " " << c.project().project_code() << "  " << Components(c)
              << "\n";
  }
}

// ----------------------------------------------------------------- publish

// The codes of a file, one per line ("-": stdin); blank lines and lines
// starting with '#' are skipped. False after saying why, naming the line.
bool ReadCodesFile(const std::string& path, std::vector<std::string>* codes) {
  std::ifstream file;
  if (path != "-") file.open(path);
  std::istream& in = path == "-" ? std::cin : file;
  if (!in) {
    std::cerr << "error: --codes_file: cannot read " << path << "\n";
    return false;
  }
  std::string line;
  for (int64_t line_no = 1; std::getline(in, line); ++line_no) {
    absl::string_view code = line;
    if (line_no == 1) absl::ConsumePrefix(&code, "\xEF\xBB\xBF");  // UTF-8 BOM
    code = absl::StripAsciiWhitespace(code);
    if (code.empty() || code[0] == '#') continue;
    if (code.find_first_of(" \t,;") != absl::string_view::npos) {
      std::cerr << "error: " << path << " line " << line_no << ": one project code per line, got '"
                << code << "'\n";
      return false;
    }
    codes->emplace_back(code);
  }
  return true;
}

// Operands, then the file's codes, each once (the contract rejects duplicates).
bool CollectCodes(const std::vector<std::string>& operands, const std::string& codes_file,
                  std::vector<std::string>* codes) {
  std::vector<std::string> all = operands;
  if (!codes_file.empty() && !ReadCodesFile(codes_file, &all)) return false;
  absl::flat_hash_set<std::string> seen;
  for (std::string& code : all) {
    if (seen.insert(code).second) {
      codes->push_back(std::move(code));
    } else {
      std::cerr << "note: " << code << " is given twice; published once\n";
    }
  }
  return true;
}

bool BuildPublication(const std::vector<std::string>& operands, const BankOptions& bank,
                      v1::PublishRecommendationsRequest* request) {
  std::vector<std::string> codes;
  if (!CollectCodes(operands, bank.codes_file, &codes)) return false;
  const std::vector<std::string> retract = SplitList(bank.retract);
  if (bank.title.empty() || (codes.empty() && retract.empty())) {
    std::cerr << "error: bank publish needs --title=TEXT and project codes (operands or "
                 "--codes_file=PATH) or --retract=CODE,...\n";
    return false;
  }
  if (!retract.empty() && bank.retract_reason.empty()) {
    std::cerr << "error: --retract needs --retract_reason=TEXT (the banks are told why)\n";
    return false;
  }
  request->set_request_id(GivenOrRandomRequestId(bank.request_id));
  request->set_title(bank.title);
  for (const std::string& code : codes) {
    v1::RecommendationItem* item = request->add_items();
    item->set_project_code(code);
    item->set_note(bank.note);
  }
  for (const std::string& id : SplitList(bank.banks)) request->add_bank_ids(id);
  for (const std::string& code : retract) request->add_retract_project_codes(code);
  request->set_retract_reason(bank.retract_reason);
  return true;
}

void PrintPublication(const GlobalOptions& options,
                      const v1::PublishRecommendationsResponse& response) {
  const v1::Publication& p = response.publication();
  std::cout << "推荐批次 " << p.publication_id() << "「" << p.title() << "」（" << p.published_by()
            << "，" << FormatChinaTime(p.publish_time()) << "）\n"
            << "面向银行："
            << (p.bank_ids().empty() ? "全部合作银行" : absl::StrJoin(p.bank_ids(), ", ")) << "\n"
            << "新增 " << p.added() << "，更新 " << p.updated() << "，无变化 " << p.unchanged()
            << "，撤回 " << p.retracted() << "\n";
  Table table({"序号", "项目代码", "操作", "结果", "问题"});
  for (const v1::PublishItemResult& r : response.results()) {
    table.AddRow({absl::StrCat(r.index() + 1), r.project_code(), r.retraction() ? "撤回" : "推荐",
                  EnumLabel(*v1::Outcome_descriptor(), r.outcome()), Findings(r.violations())});
  }
  Emit(options, table, "发布结果");
}

// ------------------------------------------------------------------ policy

void PrintWeights(const v1::ScoreWeights& w) {
  std::vector<std::string> favoured;
  for (int t : w.favoured_renovation_types()) {
    favoured.push_back(EnumLabel(*v1::RenovationType_descriptor(), t));
  }
  std::cout << "候选项目评分（各项满分，分）：\n";
  PrintFields(
      std::cout,
      {{"  省级重点项目库", Number(w.tier_province())},
       {"  市级重点项目库", Number(w.tier_city())},
       {"  县级重点项目库", Number(w.tier_county())},
       {"  按进度", absl::StrCat(Number(w.on_schedule()), "（落后 ",
                                 Number(w.schedule_zero_gap_points()), " 个百分点时为 0）")},
       {"  规模以上企业", Number(w.above_designated_size())},
       {"  营收5000万元以上", Number(w.revenue_over_50m())},
       {"  两化融合试点", Number(w.integration_pilot())},
       {"  两化融合贯标认证", Number(w.integration_certified())},
       {"  融资需求占比", absl::StrCat(Number(w.financing_share()), "（占计划投资 ≤ ",
                                       Number(w.need_share_full_pct()), "% 满分，100% 为 0）")},
       {"  鼓励类改造类型",
        absl::StrCat(Number(w.favoured_type()), "：",
                     favoured.empty() ? "无" : absl::StrJoin(favoured, ", "))}});
}

void PrintPolicy(const v1::BankLinkPolicy& policy) {
  std::cout << "BankLink 政策第 " << policy.version() << " 版（" << policy.set_by() << " 设置于 "
            << FormatChinaTime(policy.set_time()) << "）\n"
            << "首次响应时限：" << policy.first_response_working_days()
            << " 个工作日（收到推荐后，节假日除外、调休上班日计入）\n";
  PrintWeights(policy.score_weights());
  const v1::InterestSubsidyPolicy& s = policy.subsidy();
  std::cout << "贷款贴息：\n";
  PrintFields(std::cout, {{"  名称", s.name()},
                          {"  贴息比例", absl::StrCat(Number(s.share_pct()), "%")},
                          {"  最长贴息年限", absl::StrCat(s.max_years(), " 年")},
                          {"  每个项目上限", FormatWan(s.cap_per_project_fen())},
                          {"  依据", s.source().empty() ? "-" : s.source()}});
}

// The policy of a protobuf JSON file; false after saying why.
bool ReadPolicyFile(const std::string& path, v1::BankLinkPolicy* policy) {
  if (path.empty()) {
    std::cerr << "error: bank policy set needs --file=policy.json (edit the output of "
                 "techreno bank policy --format=json)\n";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (!in || !(text << in.rdbuf())) {
    std::cerr << "error: cannot read " << path << "\n";
    return false;
  }
  const auto status = google::protobuf::util::JsonStringToMessage(text.str(), policy);
  if (!status.ok()) {
    std::cerr << "error: " << path
              << ": not a BankLinkPolicy in protobuf JSON: " << status.message() << "\n";
  }
  return status.ok();
}

int GetPolicy(const GlobalOptions& options) {
  grpc::ClientContext context;
  PrepareContext(options, kCallTimeout, &context);
  v1::BankLinkPolicy policy;
  const grpc::Status status = NewBankLinkStub(options)->GetBankLinkPolicy(
      &context, v1::GetBankLinkPolicyRequest(), &policy);
  if (!status.ok()) {
    ReportRpcError(options, status);
    return kExitFailure;
  }
  if (options.format == OutputFormat::kJson) {
    std::cout << ToJsonLine(policy) << "\n";
  } else {
    PrintPolicy(policy);
  }
  return kExitOk;
}

int SetPolicy(const GlobalOptions& options, const BankOptions& bank) {
  v1::SetBankLinkPolicyRequest request;
  if (!ReadPolicyFile(bank.file, request.mutable_policy())) return kExitUsage;
  request.set_request_id(GivenOrRandomRequestId(bank.request_id));
  request.set_expected_version(bank.expected_version);
  v1::SetBankLinkPolicyResponse response;
  auto stub = NewBankLinkStub(options);
  if (!CallWrite(options, request.request_id(), [&](grpc::ClientContext* c) {
        return stub->SetBankLinkPolicy(c, request, &response);
      })) {
    return kExitFailure;
  }
  if (options.format == OutputFormat::kJson) {
    std::cout << ToJsonLine(response) << "\n";
    return kExitOk;
  }
  std::cout << "政策已设置：" << EnumLabel(*v1::Outcome_descriptor(), response.outcome()) << "\n";
  PrintPolicy(response.policy());
  return kExitOk;
}

}  // namespace

int BankList(const GlobalOptions& options, const BankOptions& bank) {
  v1::ListRecommendationsRequest request;
  if (!BuildListRequest(bank, &request)) return kExitUsage;
  const bool json = options.format == OutputFormat::kJson;
  auto stub = NewBankLinkStub(options);
  Table table({"项目代码", "项目名称", "县区", "融资需求(万元)", "状态", "最新反馈", "推荐批次"});
  int64_t shown = 0;
  std::string watch_cursor;
  auto call_page = [&](grpc::ClientContext* context, const std::string& page_token) {
    request.set_page_size(PageSize(bank, shown));
    request.set_page_token(page_token);
    v1::ListRecommendationsResponse response;
    const grpc::Status status = stub->ListRecommendations(context, request, &response);
    if (!status.ok()) return PageResult{status, ""};
    if (page_token.empty()) watch_cursor = response.watch_cursor();  // the first page's
    ShowPage(response.recommendations(), json, bank, RecommendationRow, table, shown);
    return PageResult{status, response.next_page_token()};
  };
  std::string unread;
  if (!FollowPages(
          options, call_page, [&] { return bank.all || shown < bank.limit; }, &unread)) {
    return kExitFailure;
  }
  if (!json) {
    Emit(options, table, "推荐项目");
    std::cout << shown << " 个推荐项目\n";
  }
  if (!unread.empty()) std::cerr << "还有更多推荐项目：提高 --limit 或使用 --all\n";
  if (!watch_cursor.empty()) {
    (json ? std::cerr : std::cout)
        << "接续监听：" << WatchCommand(bank, absl::StrCat("--cursor=", ShellWord(watch_cursor)))
        << "\n";
  }
  return kExitOk;
}

int BankWatch(const GlobalOptions& options, const BankOptions& bank) {
  const std::string path = CursorFile(bank);
  v1::WatchRecommendationsRequest request;
  if (path.empty() || !BuildWatchRequest(bank, path, &request)) return kExitUsage;
  auto stub = NewBankLinkStub(options);
  grpc::ClientContext context;
  PrepareContext(options, absl::InfiniteDuration(), &context);  // it never ends by itself
  CancelOnInterrupt cancel(&context);
  auto reader = stub->WatchRecommendations(&context, request);
  v1::RecommendationEvent event;
  std::string last = request.cursor();
  bool saved = true;
  while (saved && reader->Read(&event)) {
    ShowEvent(options, event);
    for (const v1::RecommendationEvent& more : event.more()) ShowEvent(options, more);
    // Persisted only after the events were shown: a crash replays them, never skips one.
    const std::string& cursor =
        event.more().empty() ? event.cursor() : event.more(event.more_size() - 1).cursor();
    saved = SaveCursor(path, cursor);
    if (saved) last = cursor;
  }
  if (!saved) context.TryCancel();
  const grpc::Status status = reader->Finish();
  if (!saved) {
    std::cerr << "已停止；接续：" << WatchCommand(bank, absl::StrCat("--cursor=", ShellWord(last)))
              << "\n";
    return kExitFailure;
  }
  return WatchEnded(options, bank, path, status, cancel.interrupted());
}

int BankFeedback(const GlobalOptions& options, const std::string& code, const BankOptions& bank) {
  v1::SubmitFeedbackRequest request;
  if (!BuildFeedback(code, bank, &request)) return kExitUsage;
  v1::SubmitFeedbackResponse response;
  auto stub = NewBankLinkStub(options);
  if (!CallWrite(options, request.request_id(), [&](grpc::ClientContext* c) {
        return stub->SubmitFeedback(c, request, &response);
      })) {
    return kExitFailure;
  }
  if (options.format == OutputFormat::kJson) {
    std::cout << ToJsonLine(response) << "\n";
    return kExitOk;
  }
  std::cout << "反馈已提交：" << EnumLabel(*v1::Outcome_descriptor(), response.outcome()) << "\n";
  EmitFields(options, FeedbackFields(response.feedback()), "银行反馈");
  for (const v1::Violation& w : response.warnings()) {
    std::cout << "警告 [" << w.rule_id() << "] " << w.field() << ": " << w.message() << "\n";
  }
  return kExitOk;
}

int BankOverdue(const GlobalOptions& options, const BankOptions& bank) {
  if (!CheckLimit(bank)) return kExitUsage;
  v1::ListOverdueRecommendationsRequest request;
  for (const std::string& id : SplitList(bank.banks)) request.add_bank_ids(id);
  request.set_region_code(bank.region);
  const bool json = options.format == OutputFormat::kJson;
  auto stub = NewBankLinkStub(options);
  Table table({"银行", "项目代码", "项目名称", "县区", "接收日期", "应答截止", "逾期(工作日)",
               "融资需求(万元)"});
  int64_t shown = 0;
  std::string deadline;
  auto call_page = [&](grpc::ClientContext* context, const std::string& page_token) {
    request.set_page_size(PageSize(bank, shown));
    request.set_page_token(page_token);
    v1::ListOverdueRecommendationsResponse response;
    const grpc::Status status = stub->ListOverdueRecommendations(context, request, &response);
    if (!status.ok()) return PageResult{status, ""};
    deadline = absl::StrCat("首次响应时限：", response.first_response_working_days(),
                            " 个工作日，截至 ", response.as_of_date());
    ShowPage(response.overdue(), json, bank, OverdueRow, table, shown);
    return PageResult{status, response.next_page_token()};
  };
  std::string unread;
  if (!FollowPages(
          options, call_page, [&] { return bank.all || shown < bank.limit; }, &unread)) {
    return kExitFailure;
  }
  (json ? std::cerr : std::cout) << deadline << "\n";
  if (!json) {
    Emit(options, table, "逾期未反馈");
    std::cout << shown << " 个逾期未响应的推荐\n";
  }
  if (!unread.empty()) std::cerr << "还有更多逾期推荐：提高 --limit 或使用 --all\n";
  return kExitOk;
}

int BankStats(const GlobalOptions& options, const BankOptions& bank) {
  v1::GetMatchingStatsRequest request;
  Dimensions dimensions;
  if (!BuildStatsRequest(bank, &request, &dimensions)) return kExitUsage;
  const bool json = options.format == OutputFormat::kJson;
  auto stub = NewBankLinkStub(options);
  Table table(StatsHeader(dimensions));
  v1::MatchingRow total;  // sent with the first page, shown last
  Timestamp as_of;
  auto call_page = [&](grpc::ClientContext* context, const std::string& page_token) {
    request.set_page_token(page_token);
    v1::GetMatchingStatsResponse response;
    const grpc::Status status = stub->GetMatchingStats(context, request, &response);
    if (!status.ok()) return PageResult{status, ""};
    if (page_token.empty()) {
      total = response.total();
      as_of = response.as_of();
    }
    for (const v1::MatchingRow& row : response.rows()) {
      if (json) {
        std::cout << ToJsonLine(row) << "\n";
      } else {
        table.AddRow(StatsRow(dimensions, row, false));
      }
    }
    return PageResult{status, response.next_page_token()};
  };
  if (!FollowPages(options, call_page)) return kExitFailure;
  if (json) {
    std::cout << ToJsonLine(total) << "\n";
    return kExitOk;
  }
  // Without grouping the one row is the total already.
  if (!dimensions.empty()) table.AddRow(StatsRow(dimensions, total, true));
  Emit(options, table, "对接统计");
  PrintDeclines(options, total);
  std::cout << "截至 " << FormatChinaTime(as_of) << "\n";
  return kExitOk;
}

int BankScore(const GlobalOptions& options, const BankOptions& bank) {
  v1::ScoreCandidatesRequest request;
  if (!BuildScoreRequest(bank, &request)) return kExitUsage;
  grpc::ClientContext context;
  PrepareContext(options, kCallTimeout, &context);
  v1::ScoreCandidatesResponse response;
  const grpc::Status status =
      NewBankLinkStub(options)->ScoreCandidates(&context, request, &response);
  if (!status.ok()) {
    ReportRpcError(options, status);
    return kExitFailure;
  }
  if (options.format == OutputFormat::kJson) {
    for (const v1::Candidate& c : response.candidates()) std::cout << ToJsonLine(c) << "\n";
    std::cerr << "评分政策第 " << response.policy_version() << " 版；进度截至 "
              << response.as_of_period() << "；符合条件 " << response.eligible() << " 个\n";
    return kExitOk;
  }
  PrintCandidates(options, response, bank.include_recommended);
  return kExitOk;
}

int BankPublish(const GlobalOptions& options, const std::vector<std::string>& codes,
                const BankOptions& bank) {
  v1::PublishRecommendationsRequest request;
  if (!BuildPublication(codes, bank, &request)) return kExitUsage;
  v1::PublishRecommendationsResponse response;
  auto stub = NewBankLinkStub(options);
  if (!CallWrite(options, request.request_id(), [&](grpc::ClientContext* c) {
        return stub->PublishRecommendations(c, request, &response);
      })) {
    return kExitFailure;
  }
  if (options.format == OutputFormat::kJson) {
    std::cout << ToJsonLine(response) << "\n";
  } else {
    PrintPublication(options, response);
  }
  const auto rejected = std::count_if(
      response.results().begin(), response.results().end(),
      [](const v1::PublishItemResult& r) { return r.outcome() == v1::OUTCOME_REJECTED; });
  if (rejected == 0) return kExitOk;
  std::cerr << rejected << " 项被拒绝（见上表）\n";
  return kExitFailure;
}

int BankPolicy(const GlobalOptions& options, bool set, const BankOptions& bank) {
  return set ? SetPolicy(options, bank) : GetPolicy(options);
}

}  // namespace techreno::cli
