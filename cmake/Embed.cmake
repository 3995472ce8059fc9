# techreno_embed(<target> NAMESPACE <ns> FILES <file>...)
# Generates a static library <target> exposing, in namespace <ns>,
#   const std::vector<std::pair<std::string_view, std::string_view>>& Files();
# (file name without directory, contents), in the order given.
function(techreno_embed target)
  cmake_parse_arguments(E "" "NAMESPACE" "FILES" ${ARGN})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${target}.cc)
  # A list would split into several arguments: pass it '|'-separated.
  string(REPLACE ";" "|" files "${E_FILES}")
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNS=${E_NAMESPACE} "-DFILES=${files}"
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedGen.cmake
    DEPENDS ${E_FILES} ${PROJECT_SOURCE_DIR}/cmake/EmbedGen.cmake
    COMMENT "Embedding files into ${target}" VERBATIM)
  add_library(${target} STATIC ${out})
endfunction()
