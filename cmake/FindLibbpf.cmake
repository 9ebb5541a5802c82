# Finds libbpf through pkg-config and exposes it as the imported target Libbpf::Libbpf.
find_package(PkgConfig REQUIRED)
pkg_check_modules(PC_Libbpf QUIET IMPORTED_TARGET libbpf)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Libbpf REQUIRED_VARS PC_Libbpf_FOUND VERSION_VAR PC_Libbpf_VERSION)
if(Libbpf_FOUND AND NOT TARGET Libbpf::Libbpf)
  add_library(Libbpf::Libbpf INTERFACE IMPORTED)
  target_link_libraries(Libbpf::Libbpf INTERFACE PkgConfig::PC_Libbpf)
endif()
