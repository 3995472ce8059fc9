// The generated data set as files for the techreno CLI: enterprises, projects,
// progress (each month as first filed) and corrections (the corrected months'
// final figures, to push after progress), in CSV (UTF-8 with a BOM, amounts in
// 万元, as `techreno template` writes them) or JSON lines (protobuf's JSON).
// (`techreno-loadgen generate` adds totals.csv: data_summary.h.)
// Plus history-keys.txt: "project_code@period" of the months of closed
// half-years that the county filed on time (see deploy/local/demo/history.sql).
#ifndef TECHRENO_CLIENTS_LOADGEN_DATASET_FILES_H_
#define TECHRENO_CLIENTS_LOADGEN_DATASET_FILES_H_

#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "clients/loadgen/generator.h"

namespace techreno::loadgen {

enum class FileFormat { kCsv, kJsonLines };

// One set of files in `dir` (created if missing), filled county by county.
class DatasetFiles {
 public:
  static absl::StatusOr<DatasetFiles> Open(const std::string& dir, FileFormat format);
  absl::Status Add(const CountyData& county, const codes::Period& as_of);
  absl::Status Close();  // flushes; an error names the file

 private:
  DatasetFiles(std::string dir, FileFormat format) : dir_(std::move(dir)), format_(format) {}
  std::string dir_;
  FileFormat format_;
  std::ofstream enterprises_, projects_, progress_, corrections_, history_keys_;
};

// The months of closed half-years filed on time, one "code@period" a line.
void WriteHistoryKeys(const CountyData& county, const codes::Period& as_of, std::ostream& out);

}  // namespace techreno::loadgen

#endif  // TECHRENO_CLIENTS_LOADGEN_DATASET_FILES_H_
