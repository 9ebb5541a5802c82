# Finds libseccomp through pkg-config and exposes it as the imported target Seccomp::Seccomp.
find_package(PkgConfig REQUIRED)
pkg_check_modules(PC_Seccomp QUIET IMPORTED_TARGET libseccomp)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Seccomp REQUIRED_VARS PC_Seccomp_FOUND VERSION_VAR PC_Seccomp_VERSION)
if(Seccomp_FOUND AND NOT TARGET Seccomp::Seccomp)
  add_library(Seccomp::Seccomp INTERFACE IMPORTED)
  target_link_libraries(Seccomp::Seccomp INTERFACE PkgConfig::PC_Seccomp)
endif()
