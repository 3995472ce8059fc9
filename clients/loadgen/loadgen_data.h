// The files of clients/loadgen/data, embedded by techreno_embed
// (clients/loadgen/CMakeLists.txt): (file name, contents).
#ifndef TECHRENO_CLIENTS_LOADGEN_LOADGEN_DATA_H_
#define TECHRENO_CLIENTS_LOADGEN_LOADGEN_DATA_H_

#include <string_view>
#include <utility>
#include <vector>

namespace techreno::loadgen::loadgen_data {
const std::vector<std::pair<std::string_view, std::string_view>>& Files();
}  // namespace techreno::loadgen::loadgen_data

#endif  // TECHRENO_CLIENTS_LOADGEN_LOADGEN_DATA_H_
