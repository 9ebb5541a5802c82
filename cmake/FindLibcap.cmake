# Finds libcap through pkg-config and exposes it as the imported target Libcap::Libcap.
find_package(PkgConfig REQUIRED)
pkg_check_modules(PC_Libcap QUIET IMPORTED_TARGET libcap)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Libcap REQUIRED_VARS PC_Libcap_FOUND VERSION_VAR PC_Libcap_VERSION)
if(Libcap_FOUND AND NOT TARGET Libcap::Libcap)
  add_library(Libcap::Libcap INTERFACE IMPORTED)
  target_link_libraries(Libcap::Libcap INTERFACE PkgConfig::PC_Libcap)
endif()
