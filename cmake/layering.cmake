# The layering of the source tree, checked: models -> hw -> sw (a tree includes only itself and the
# trees before it), and inside hw and sw each folder includes only itself, its tree's top-level
# files and the folders it declares. Declaring a folder requires its dependencies to be declared
# first, so the folder graph cannot have a cycle.
#
# Included by the top-level CMakeLists.txt: proact_declare_folder() records a folder,
# proact_check_layering() checks the sources at configure time, and proact_add_layering_test()
# adds a test that checks them again (sources edited after configuring). Run as a script
# (cmake -DPROACT_SOURCE_DIR=... -DPROACT_LAYERING_FILE=... -P layering.cmake) it is that test.

if(CMAKE_SCRIPT_MODE_FILE)
  cmake_minimum_required(VERSION 3.20)  # the policies of the project, before any function is defined
endif()

# proact_declare_folder(TREE FOLDER [DEPENDS folder...]): TREE/FOLDER may include TREE/<dep>/.
function(proact_declare_folder tree folder)
  cmake_parse_arguments(ARG "" "" "DEPENDS" ${ARGN})
  get_property(declared GLOBAL PROPERTY PROACT_FOLDERS_${tree})
  foreach(dep IN LISTS ARG_DEPENDS)
    if(NOT dep IN_LIST declared)
      message(FATAL_ERROR "${tree}/${folder} depends on ${tree}/${dep}, which is not declared before it "
                          "(declare folders in dependency order; a cycle cannot be ordered)")
    endif()
  endforeach()
  set_property(GLOBAL APPEND PROPERTY PROACT_FOLDERS_${tree} ${folder})
  string(REPLACE ";" "," deps "${ARG_DEPENDS}")
  set_property(GLOBAL APPEND PROPERTY PROACT_LAYERING "${tree}/${folder}:${deps}")
endfunction()

# Fails naming the file, the include and the rule it breaks. `layering`: "tree/folder:dep,dep" entries.
function(proact_check_sources source_dir layering)
  set(trees models hw sw)
  foreach(tree_index RANGE 2)
    list(GET trees ${tree_index} tree)
    file(GLOB_RECURSE files "${source_dir}/${tree}/*.hpp" "${source_dir}/${tree}/*.cpp")
    foreach(path IN LISTS files)
      file(RELATIVE_PATH file "${source_dir}" "${path}")
      string(REGEX MATCH "^${tree}/([a-z_]+)/" in_folder "${file}")
      set(folder "${CMAKE_MATCH_1}")
      set(allowed "")
      foreach(entry IN LISTS layering)
        if(entry MATCHES "^${tree}/${folder}:(.*)$")
          string(REPLACE "," ";" allowed "${CMAKE_MATCH_1}")
        endif()
      endforeach()
      file(STRINGS "${path}" includes REGEX "^#include \"(models|hw|sw)/")
      foreach(line IN LISTS includes)
        string(REGEX MATCH "^#include \"((models|hw|sw)/[^\"]*)\"" _ "${line}")
        set(target "${CMAKE_MATCH_1}")
        set(target_tree "${CMAKE_MATCH_2}")
        list(FIND trees ${target_tree} target_index)
        if(target_index GREATER tree_index)
          message(FATAL_ERROR "${file} includes ${target}: ${tree}/ may not include ${target_tree}/ "
                              "(the layering is models -> hw -> sw)")
        endif()
        if(NOT target_tree STREQUAL tree OR tree STREQUAL "models" OR folder STREQUAL "")
          continue()
        endif()
        if(target MATCHES "^${tree}/([a-z_]+)/")
          set(used "${CMAKE_MATCH_1}")
          if(NOT used STREQUAL folder AND NOT used IN_LIST allowed)
            message(FATAL_ERROR "${file} includes ${target}, but ${tree}/${folder} does not declare ${tree}/${used} "
                                "(proact_declare_folder in ${tree}/CMakeLists.txt)")
          endif()
        endif()
      endforeach()
    endforeach()
  endforeach()
endfunction()

function(proact_check_layering)
  get_property(layering GLOBAL PROPERTY PROACT_LAYERING)
  proact_check_sources("${PROJECT_SOURCE_DIR}" "${layering}")
endfunction()

function(proact_add_layering_test)
  get_property(layering GLOBAL PROPERTY PROACT_LAYERING)
  set(file "${PROJECT_BINARY_DIR}/layering.txt")
  file(WRITE "${file}" "${layering}")
  add_test(NAME "layering: models -> hw -> sw, folders as declared"
           COMMAND ${CMAKE_COMMAND} -DPROACT_SOURCE_DIR=${PROJECT_SOURCE_DIR} -DPROACT_LAYERING_FILE=${file}
                   -P ${CMAKE_CURRENT_FUNCTION_LIST_FILE})
endfunction()

if(CMAKE_SCRIPT_MODE_FILE AND PROACT_LAYERING_FILE)
  file(READ "${PROACT_LAYERING_FILE}" layering)
  proact_check_sources("${PROACT_SOURCE_DIR}" "${layering}")
endif()
