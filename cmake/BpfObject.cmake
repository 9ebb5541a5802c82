# Builds the eBPF recorder: vmlinux.h from the build host's BTF, each
# tracer/bpf/*.bpf.c compiled with clang for the BPF target, and a libbpf
# skeleton header per object, all in the build directory (never committed).
#
#   profile_ebpf_setup(<target>)   compiles every tracer/bpf/*.bpf.c, adds the
#                                  skeletons' directory to <target>'s include
#                                  path, defines PROFILE_HAVE_EBPF and links
#                                  libbpf, libelf and zlib.
#   bpf_object(<name> <src>)       one object: <name>.bpf.o and <name>.skel.h,
#                                  exposed as the target bpf_<name>_skel.
#
# When a prerequisite is missing the binary is built without eBPF, with a
# message saying which one; PROFILE_WITH_EBPF=OFF skips all of this.

set(PROFILE_BPF_OUT_DIR ${CMAKE_BINARY_DIR}/bpf)
set(PROFILE_VMLINUX_BTF /sys/kernel/btf/vmlinux CACHE FILEPATH "Kernel BTF used to generate vmlinux.h")

function(_profile_bpf_prereqs out_ok)
  find_program(PROFILE_CLANG NAMES clang clang-16 clang-15 clang-14)
  find_program(PROFILE_BPFTOOL NAMES bpftool PATHS /usr/sbin /sbin /usr/local/sbin)
  find_package(Libbpf QUIET)
  find_package(Libelf QUIET)
  find_package(ZLIB QUIET)
  set(missing "")
  if(NOT PROFILE_CLANG)
    list(APPEND missing "clang")
  endif()
  if(NOT PROFILE_BPFTOOL)
    list(APPEND missing "bpftool")
  endif()
  if(NOT Libbpf_FOUND)
    list(APPEND missing "libbpf (libbpf-dev)")
  endif()
  if(NOT Libelf_FOUND)
    list(APPEND missing "libelf (libelf-dev)")
  endif()
  if(NOT ZLIB_FOUND)
    list(APPEND missing "zlib (zlib1g-dev)")
  endif()
  if(NOT EXISTS ${PROFILE_VMLINUX_BTF})
    list(APPEND missing "kernel BTF at ${PROFILE_VMLINUX_BTF} (CONFIG_DEBUG_INFO_BTF)")
  endif()
  if(missing)
    string(REPLACE ";" ", " m "${missing}")
    message(WARNING "eBPF recorder disabled: missing ${m}. "
                    "The binary is built with the ptrace recorder only (-DPROFILE_WITH_EBPF=OFF silences this).")
    set(${out_ok} FALSE PARENT_SCOPE)
  else()
    set(${out_ok} TRUE PARENT_SCOPE)
  endif()
endfunction()

function(_profile_vmlinux_h)
  if(TARGET profile_vmlinux_h)
    return()
  endif()
  file(MAKE_DIRECTORY ${PROFILE_BPF_OUT_DIR})
  add_custom_command(
    OUTPUT ${PROFILE_BPF_OUT_DIR}/vmlinux.h
    COMMAND ${PROFILE_BPFTOOL} btf dump file ${PROFILE_VMLINUX_BTF} format c > ${PROFILE_BPF_OUT_DIR}/vmlinux.h.tmp
    COMMAND ${CMAKE_COMMAND} -E rename ${PROFILE_BPF_OUT_DIR}/vmlinux.h.tmp ${PROFILE_BPF_OUT_DIR}/vmlinux.h
    COMMENT "Generating vmlinux.h from ${PROFILE_VMLINUX_BTF}"
    VERBATIM)
  add_custom_target(profile_vmlinux_h DEPENDS ${PROFILE_BPF_OUT_DIR}/vmlinux.h)
endfunction()

function(bpf_object name src)
  _profile_vmlinux_h()
  get_filename_component(src_abs ${src} ABSOLUTE)
  get_filename_component(src_dir ${src_abs} DIRECTORY)
  set(obj ${PROFILE_BPF_OUT_DIR}/${name}.bpf.o)
  set(skel ${PROFILE_BPF_OUT_DIR}/${name}.skel.h)
  set(lskel ${PROFILE_BPF_OUT_DIR}/${name}.lskel.h)
  # core/*.h: plain C headers shared with the C++ side (core/access.h).
  file(GLOB headers ${src_dir}/*.h ${CMAKE_SOURCE_DIR}/core/*.h)
  # libbpf's bpf_helpers.h etc. come from the libbpf-dev include directory.
  set(bpf_includes -I${PROFILE_BPF_OUT_DIR} -I${src_dir} -I${CMAKE_SOURCE_DIR})
  foreach(dir ${PC_Libbpf_INCLUDE_DIRS})
    list(APPEND bpf_includes -I${dir})
  endforeach()
  add_custom_command(
    OUTPUT ${obj}
    COMMAND ${PROFILE_CLANG} -g -O2 -target bpf -D__TARGET_ARCH_x86 ${bpf_includes}
            -Wall -Werror -Wno-unused-function -c ${src_abs} -o ${obj}
    DEPENDS ${src_abs} ${headers} ${PROFILE_BPF_OUT_DIR}/vmlinux.h
    COMMENT "Compiling BPF object ${name}.bpf.o"
    VERBATIM)
  add_custom_command(
    OUTPUT ${skel}
    COMMAND ${PROFILE_BPFTOOL} gen skeleton ${obj} name ${name}_bpf > ${skel}.tmp
    COMMAND ${CMAKE_COMMAND} -E rename ${skel}.tmp ${skel}
    DEPENDS ${obj}
    COMMENT "Generating BPF skeleton ${name}.skel.h"
    VERBATIM)
  # The light skeleton (-L): loaded by a BPF program, with no kernel BTF
  # parsed in userspace (tracer/ebpf_light.h).
  add_custom_command(
    OUTPUT ${lskel}
    COMMAND ${PROFILE_BPFTOOL} gen skeleton -L ${obj} name ${name}_lskel > ${lskel}.tmp
    COMMAND ${CMAKE_COMMAND} -E rename ${lskel}.tmp ${lskel}
    DEPENDS ${obj}
    COMMENT "Generating BPF light skeleton ${name}.lskel.h"
    VERBATIM)
  add_custom_target(bpf_${name}_skel DEPENDS ${skel} ${lskel})
  add_dependencies(bpf_${name}_skel profile_vmlinux_h)
endfunction()

function(profile_ebpf_setup target)
  _profile_bpf_prereqs(ok)
  if(NOT ok)
    return()
  endif()
  file(GLOB bpf_sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tracer/bpf/*.bpf.c)
  foreach(src ${bpf_sources})
    get_filename_component(fname ${src} NAME)
    string(REGEX REPLACE "\\.bpf\\.c$" "" name ${fname})
    bpf_object(${name} ${src})
    add_dependencies(${target} bpf_${name}_skel)
  endforeach()
  target_include_directories(${target} PRIVATE ${PROFILE_BPF_OUT_DIR})
  target_sources(${target} PRIVATE ${CMAKE_SOURCE_DIR}/tracer/ebpf_light.c)
  target_compile_definitions(${target} PUBLIC PROFILE_HAVE_EBPF)
  target_link_libraries(${target} PUBLIC Libbpf::Libbpf Libelf::Libelf ZLIB::ZLIB)
  message(STATUS "eBPF recorder enabled (clang ${PROFILE_CLANG}, bpftool ${PROFILE_BPFTOOL})")
endfunction()
