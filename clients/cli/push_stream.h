// What push projects and progress push do alike: the whole file as one
// chunked push (PushProjectsChunks, PushProgressChunks). Records that cannot
// be parsed are reported here and never sent; the rest go out in chunks of
// 500 while the file is read, and a second thread reads the server's answer
// to each chunk as it commits, so memory stays flat however large the file.
// The answers add up to one Response, and stream positions are mapped back to
// file lines.
//
// What differs between the pushes is a `Kind` with static members:
//   Request, Chunk, Response: the call's messages (Chunk::records() are
//     Requests; Response::results() have index(), outcome() and violations());
//   Open(stub, context): starts the call;
//   MutableRecord(request): the record inside a request, read into in place;
//   Header(): the findings table's columns, the last four a violation's;
//   LocalCells(partial, row_error): the row of a problem found here;
//   ResultCells(result, line): a server result's columns before the four;
//   kBareRejectionSeverity: the severity cell of a rejection without violations;
//   MayHaveCommitted(code): whether a failed call may have committed batches;
//   Counts(response): the summary line's server counts.
#ifndef TECHRENO_CLIENTS_CLI_PUSH_STREAM_H_
#define TECHRENO_CLIENTS_CLI_PUSH_STREAM_H_

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <iostream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "clients/cli/client.h"
#include "clients/cli/format.h"
#include "clients/cli/options.h"
#include "clients/cli/push_meter.h"
#include "clients/cli/record_reader.h"
#include "clients/cli/records.h"
#include "clients/cli/rejects_file.h"
#include "techreno/v1/common.pb.h"

namespace techreno::cli {

// " (replayed N)" when a push's answer replayed known request_ids, else "".
template <typename Response>
std::string Replayed(const Response& response) {
  return response.replayed() > 0 ? absl::StrCat(" (replayed ", response.replayed(), ")") : "";
}

// One row of the findings table, kept with its file line for sorting.
struct Finding {
  int64_t line;
  std::vector<std::string> cells;
};

// What went out on the stream, and what stayed behind.
struct Sent {
  std::vector<int64_t> lines;  // stream index -> file line
  std::vector<Finding> findings;
  int64_t local_rejects = 0;
  Rejections rejected;           // file line -> why, every rejected record (for the rejects file)
  int64_t unsent_line = 0;       // first record not sent because the server ended the call
  int64_t interrupted_line = 0;  // first record not read because of Ctrl-C
};

// A push as it ended: the call's status, the server's answer, what was sent.
template <typename Kind>
struct Pushed {
  grpc::Status status;
  typename Kind::Response response;
  Sent sent;

  // Every record read was parsed, sent and taken (accepted or unchanged).
  bool NoneRejected() const { return response.rejected() == 0 && sent.local_rejects == 0; }
};

// Sorted by file line (stable: a record's rows keep their order), then a
// blank line; nothing at all when there are none.
void PrintFindings(std::vector<Finding> findings, std::vector<std::string> header,
                   std::ostream& out);

// On stderr: the failure, whether batches committed before it stay, and how
// many records were never sent.
void ReportPushFailure(const GlobalOptions& options, const grpc::Status& status,
                       bool may_have_committed, int64_t local_rejects);

// "<server counts>, rejected locally N (not sent)" (the latter when N > 0).
void PrintSummary(const std::string& counts, int64_t local_rejects, std::ostream& out);

// Adds one chunk's answer to the push's: results appended, counts summed.
void AddAnswer(const google::protobuf::Message& chunk, google::protobuf::Message* total);

inline constexpr int kChunkRecords = 500;  // the server's batch: one transaction a chunk
// Well under the server's 4 MiB message limit, whatever the records hold.
inline constexpr size_t kChunkBytes = 2 << 20;

// Streams the records from `from_line` on, in chunks; true when the stream
// stayed open.
template <typename Kind>
bool SendRecords(RecordReader& reader, int64_t total_bytes, int64_t from_line,
                 grpc::ClientReaderWriter<typename Kind::Chunk, typename Kind::Response>& stream,
                 Sent* sent) {
  PushMeter meter(total_bytes);
  typename Kind::Request request;
  auto* record = Kind::MutableRecord(&request);
  typename Kind::Chunk chunk;
  size_t chunk_bytes = 0;
  std::vector<int64_t> chunk_lines;
  int64_t line = 0;
  int64_t read = 0;
  std::vector<RowError> errors;
  // false: the server ended the call early; Finish() says why.
  auto send = [&] {
    if (chunk.records_size() == 0) return true;
    if (!stream.Write(chunk)) {
      sent->unsent_line = chunk_lines.front();
      return false;
    }
    sent->lines.insert(sent->lines.end(), chunk_lines.begin(), chunk_lines.end());
    chunk.Clear();
    chunk_bytes = 0;
    chunk_lines.clear();
    return true;
  };
  bool open = true;
  while (open && reader.Next(record, &line, &errors)) {
    if (line < from_line) continue;  // answered by an earlier push
    if (InterruptCatcher::Interrupted()) {
      sent->interrupted_line = line;  // this record and the rest stay unread
      break;
    }
    meter.Update(++read, reader.BytesRead());
    if (!errors.empty()) {
      ++sent->local_rejects;
      for (const RowError& e : errors) {
        sent->findings.push_back({e.line, Kind::LocalCells(*record, e)});
        NoteRejected(e, sent->rejected);
      }
      continue;
    }
    // A record that would take the chunk past its byte budget starts the next one.
    const size_t size = request.ByteSizeLong() + 8;  // + field tag and length
    if (chunk_bytes + size > kChunkBytes && !(open = send())) break;
    *chunk.add_records() = request;
    chunk_bytes += size;
    chunk_lines.push_back(line);
    if (chunk.records_size() == kChunkRecords) open = send();
  }
  if (open) open = send();
  meter.Waiting(read);
  return open;
}

// Rejected records and records with warnings, from the server's answer.
template <typename Kind>
void AddServerFindings(const typename Kind::Response& response, Sent* sent) {
  const std::vector<int64_t>& lines = sent->lines;
  for (const auto& r : response.results()) {
    if (r.outcome() != v1::OUTCOME_REJECTED && r.violations().empty()) continue;
    const bool known = r.index() >= 0 && r.index() < static_cast<int64_t>(lines.size());
    const int64_t line = known ? lines[r.index()] : -1;
    const std::vector<std::string> head = Kind::ResultCells(r, known ? absl::StrCat(line) : "?");
    if (r.outcome() == v1::OUTCOME_REJECTED && known) {
      std::vector<std::string>& why = sent->rejected[line];
      for (const v1::Violation& v : r.violations()) {
        if (v.severity() == v1::SEVERITY_FATAL) {
          why.push_back(absl::StrCat("[", v.rule_id(), "] ", v.field(), ": ", v.message()));
        }
      }
      if (why.empty()) why.push_back("rejected by the server");
    }
    if (r.violations().empty()) {  // not expected, but a rejection must show up
      std::vector<std::string> cells = head;
      cells.insert(cells.end(), {Kind::kBareRejectionSeverity, "", "", ""});
      sent->findings.push_back({line, std::move(cells)});
    }
    for (const v1::Violation& v : r.violations()) {
      std::vector<std::string> cells = head;
      cells.insert(cells.end(), {EnumShortName(*v1::Severity_descriptor(), v.severity()),
                                 v.rule_id(), v.field(), v.message()});
      sent->findings.push_back({line, std::move(cells)});
    }
  }
}

// The findings, then the failure, or the answer (as JSON with --format=json)
// and the summary line.
template <typename Kind>
void ReportPush(const GlobalOptions& options, Pushed<Kind>& pushed) {
  const bool json = options.format == OutputFormat::kJson;
  std::ostream& report = json ? std::cerr : std::cout;  // stdout holds only JSON then
  // After a failure too: the chunks answered are committed, their findings stand.
  AddServerFindings<Kind>(pushed.response, &pushed.sent);
  PrintFindings(std::move(pushed.sent.findings), Kind::Header(), report);
  if (!pushed.status.ok()) {
    ReportPushFailure(options, pushed.status, Kind::MayHaveCommitted(pushed.status.error_code()),
                      pushed.sent.local_rejects);
    return;
  }
  if (json) std::cout << ToJsonLine(pushed.response) << "\n";
  PrintSummary(Kind::Counts(pushed.response), pushed.sent.local_rejects, report);
}

// The file line of the first record the server did not answer (0: none):
// after a failure, the records from there on were not committed.
inline int64_t FirstUnansweredLine(int64_t answered, const Sent& sent) {
  if (answered < static_cast<int64_t>(sent.lines.size())) return sent.lines[answered];
  return sent.unsent_line;
}

// The records of `input` from file line `from_line` on (0: all) as one call
// on `stub`, reported as it ended. A Ctrl-C stops the reading; what was read
// is sent and committed (sent.interrupted_line says where to go on).
template <typename Kind, typename Stub>
Pushed<Kind> StreamFile(const GlobalOptions& options, Stub& stub, Input& input, int64_t from_line) {
  InterruptCatcher catcher;
  grpc::ClientContext context;
  PrepareContext(options, absl::InfiniteDuration(), &context);  // large files take long
  Pushed<Kind> pushed;
  auto stream = Kind::Open(stub, &context);
  std::thread answers([&] {
    typename Kind::Response answer;
    while (stream->Read(&answer)) AddAnswer(answer, &pushed.response);
  });
  if (SendRecords<Kind>(*input.reader, input.total_bytes, from_line, *stream, &pushed.sent)) {
    stream->WritesDone();
  }
  answers.join();
  pushed.status = stream->Finish();
  ReportPush(options, pushed);
  return pushed;
}

}  // namespace techreno::cli

#endif  // TECHRENO_CLIENTS_CLI_PUSH_STREAM_H_
