#include "clients/cli/push_stream.h"

#include <algorithm>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "clients/cli/client.h"
#include "clients/cli/format.h"

namespace techreno::cli {

void PrintFindings(std::vector<Finding> findings, std::vector<std::string> header,
                   std::ostream& out) {
  if (findings.empty()) return;
  std::stable_sort(findings.begin(), findings.end(),
                   [](const Finding& a, const Finding& b) { return a.line < b.line; });
  Table table(std::move(header));
  for (Finding& f : findings) table.AddRow(std::move(f.cells));
  table.Print(out);
  out << "\n";
}

void ReportPushFailure(const GlobalOptions& options, const grpc::Status& status,
                       bool may_have_committed, int64_t local_rejects) {
  ReportRpcError(options, status);
  if (may_have_committed) {
    std::cerr << "note: batches committed before the failure stay committed; pushing the whole "
                 "file again is safe (identical records come back UNCHANGED)\n";
  }
  if (local_rejects > 0) std::cerr << local_rejects << " records were rejected locally\n";
}

void AddAnswer(const google::protobuf::Message& chunk, google::protobuf::Message* total) {
  const google::protobuf::Descriptor* d = total->GetDescriptor();
  const google::protobuf::Reflection* r = total->GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = d->field(i);
    if (f->is_repeated()) {
      for (int j = 0; j < r->FieldSize(chunk, f); ++j) {
        r->AddMessage(total, f)->CopyFrom(r->GetRepeatedMessage(chunk, f, j));
      }
    } else if (f->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_INT64) {
      r->SetInt64(total, f, r->GetInt64(*total, f) + r->GetInt64(chunk, f));
    } else if (f->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_BOOL) {
      r->SetBool(total, f, r->GetBool(*total, f) || r->GetBool(chunk, f));
    }
  }
}

void PrintSummary(const std::string& counts, int64_t local_rejects, std::ostream& out) {
  out << counts;
  if (local_rejects > 0) out << ", rejected locally " << local_rejects << " (not sent)";
  out << "\n";
}

}  // namespace techreno::cli
