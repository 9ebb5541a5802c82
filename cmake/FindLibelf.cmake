# Finds libelf through pkg-config and exposes it as the imported target Libelf::Libelf.
find_package(PkgConfig REQUIRED)
pkg_check_modules(PC_Libelf QUIET IMPORTED_TARGET libelf)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Libelf REQUIRED_VARS PC_Libelf_FOUND VERSION_VAR PC_Libelf_VERSION)
if(Libelf_FOUND AND NOT TARGET Libelf::Libelf)
  add_library(Libelf::Libelf INTERFACE IMPORTED)
  target_link_libraries(Libelf::Libelf INTERFACE PkgConfig::PC_Libelf)
endif()
