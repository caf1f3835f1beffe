# Which versions find_package(ooauthcc ...) accepts from the installed 0.<minor>.<patch>
# package: the same minor series only (SameMinorVersion while the major is 0,
# because the soname carries the minor: libooauthcc.so.0.<minor>).
# Included by CMakeLists.txt with -DOOAUTHCC_CHECK_VERSIONS=ON; fails the
# configure on any surprise, and prints how many requests it checked.

string(REGEX MATCH "^([0-9]+)\\.([0-9]+)\\.([0-9]+)" _v "${ooauthcc_VERSION}")
set(_maj "${CMAKE_MATCH_1}")
set(_min "${CMAKE_MATCH_2}")
set(_pat "${CMAKE_MATCH_3}")
math(EXPR _min_next "${_min} + 1")
math(EXPR _pat_next "${_pat} + 1")
set(_checked 0)

# Asks for `request` (in a function: the answer stays in it) from the same
# directory only, and fails unless find_package answered `expected`.
function(_ooauthcc_expect request expected)
  set(_dir "${ooauthcc_DIR}")
  separate_arguments(_args UNIX_COMMAND "${request}") # "0.2.0 EXACT" is two arguments
  find_package(ooauthcc ${_args} QUIET CONFIG NO_DEFAULT_PATH PATHS "${_dir}")
  if(ooauthcc_FOUND)
    set(_found TRUE)
  else()
    set(_found FALSE)
  endif()
  if(NOT _found STREQUAL expected)
    message(FATAL_ERROR "find_package(ooauthcc ${request}) gave found=${_found}, expected ${expected} (package ${_dir})")
  endif()
  set(ooauthcc_DIR "${_dir}" CACHE PATH "" FORCE) # an unsuitable answer may have reset it
endfunction()

macro(_check request expected)
  _ooauthcc_expect("${request}" ${expected})
  math(EXPR _checked "${_checked} + 1")
endmacro()

_check("${_maj}.${_min}" TRUE)
_check("${_maj}.${_min}.${_pat}" TRUE)
_check("${_maj}.${_min}.${_pat} EXACT" TRUE)
_check("${_maj}.${_min}...<${_maj}.${_min_next}" TRUE)
_check("${_maj}.${_min}.${_pat_next}" FALSE) # newer than installed
_check("${_maj}.${_min_next}" FALSE)
_check("${_maj}.${_min}...<${_maj}.${_min_next}.1" FALSE) # the range admits the next series
if(_maj EQUAL 0)
  if(_min GREATER 0)
    math(EXPR _min_prev "${_min} - 1")
    _check("0.${_min_prev}" FALSE) # 0.x minor releases are not compatible
    _check("0.${_min_prev}...<0.${_min_next}" FALSE)
  endif()
  _check("1.0" FALSE)
else()
  math(EXPR _maj_next "${_maj} + 1")
  _check("${_maj}.0" TRUE) # same major: compatible from 1.0 on
  _check("${_maj_next}.0" FALSE)
endif()
message(STATUS "ooauthcc: find_package version requests checked: ${_checked}, as expected")
