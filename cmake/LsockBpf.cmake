# The BPF owner source (src/owners/owner_bpf.c): LSOCK_BPF=auto|on|off.
#   auto  build it when libbpf and a clang that targets BPF are found;
#   on    the same, but a missing piece fails the configure;
#   off   never (lsock then needs only libmnl).
# The BPF program is compiled with clang -target bpf and CO-RE: it declares
# the kernel structures it reads itself, with preserve_access_index, so
# nothing depends on the build machine's kernel, and libbpf relocates it
# against the running kernel's BTF when lsock loads it.  The object is
# embedded in the binary (owner_bpf_obj.c, .incbin).
set(LSOCK_BPF auto CACHE STRING "BPF task_file iterator for owners: auto, on or off")
set_property(CACHE LSOCK_BPF PROPERTY STRINGS auto on off)
if(NOT LSOCK_BPF MATCHES "^(auto|on|off)$")
	message(FATAL_ERROR "LSOCK_BPF must be auto, on or off, not '${LSOCK_BPF}'")
endif()

set(LSOCK_HAVE_BPF OFF)
if(NOT LSOCK_BPF STREQUAL "off")
	set(lsock_bpf_missing "")
	# bpf_sock_from_file's declaration came with libbpf 0.3; Debian 12 has 1.1.
	pkg_check_modules(LIBBPF QUIET IMPORTED_TARGET libbpf>=0.3)
	if(NOT LIBBPF_FOUND)
		list(APPEND lsock_bpf_missing "libbpf (libbpf-dev)")
	endif()
	find_program(LSOCK_BPF_CLANG NAMES clang clang-19 clang-18 clang-17 clang-16 clang-15 clang-14
		DOC "clang used to compile the BPF program")
	if(LSOCK_BPF_CLANG AND LIBBPF_FOUND)
		# A clang that has the BPF target and finds the libbpf and uapi
		# headers: compile the real program once, now.
		set(lsock_bpf_probe ${PROJECT_BINARY_DIR}/CMakeFiles/owner_iter_probe.bpf.o)
		execute_process(COMMAND ${LSOCK_BPF_CLANG} -print-multiarch
			OUTPUT_VARIABLE lsock_multiarch OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
		if(NOT lsock_multiarch)
			set(lsock_multiarch ${CMAKE_LIBRARY_ARCHITECTURE})
		endif()
		set(LSOCK_BPF_CFLAGS -O2 -g -target bpf -Wall -Wno-unused-parameter)
		foreach(dir ${LIBBPF_INCLUDE_DIRS})
			list(APPEND LSOCK_BPF_CFLAGS -I${dir})
		endforeach()
		if(lsock_multiarch)
			list(APPEND LSOCK_BPF_CFLAGS -I/usr/include/${lsock_multiarch})
		endif()
		execute_process(COMMAND ${LSOCK_BPF_CLANG} ${LSOCK_BPF_CFLAGS}
				-c ${PROJECT_SOURCE_DIR}/src/bpf/owner_iter.bpf.c -o ${lsock_bpf_probe}
			RESULT_VARIABLE lsock_bpf_rc OUTPUT_QUIET ERROR_VARIABLE lsock_bpf_err)
		if(NOT lsock_bpf_rc EQUAL 0)
			list(APPEND lsock_bpf_missing "a clang that compiles for -target bpf (${LSOCK_BPF_CLANG}: ${lsock_bpf_err})")
		endif()
	elseif(NOT LSOCK_BPF_CLANG)
		list(APPEND lsock_bpf_missing "clang")
	endif()
	if(lsock_bpf_missing STREQUAL "")
		set(LSOCK_HAVE_BPF ON)
	elseif(LSOCK_BPF STREQUAL "on")
		message(FATAL_ERROR "LSOCK_BPF=on, but missing: ${lsock_bpf_missing}")
	endif()
endif()

if(LSOCK_HAVE_BPF)
	message(STATUS "BPF owner source: libbpf ${LIBBPF_VERSION}, ${LSOCK_BPF_CLANG}")
	set(LSOCK_BPF_OBJECT ${PROJECT_BINARY_DIR}/owner_iter.bpf.o)
	add_custom_command(OUTPUT ${LSOCK_BPF_OBJECT}
		COMMAND ${LSOCK_BPF_CLANG} ${LSOCK_BPF_CFLAGS}
			-c ${PROJECT_SOURCE_DIR}/src/bpf/owner_iter.bpf.c -o ${LSOCK_BPF_OBJECT}
		DEPENDS ${PROJECT_SOURCE_DIR}/src/bpf/owner_iter.bpf.c
			${PROJECT_SOURCE_DIR}/src/bpf/owner_bpf_record.h
		COMMENT "Compiling the BPF owner iterator"
		VERBATIM)
	target_sources(lsock_core PRIVATE src/owners/owner_bpf_obj.c)
	set_source_files_properties(src/owners/owner_bpf_obj.c PROPERTIES
		OBJECT_DEPENDS ${LSOCK_BPF_OBJECT}
		COMPILE_DEFINITIONS "LSOCK_BPF_OBJECT=\"${LSOCK_BPF_OBJECT}\"")
	target_compile_definitions(lsock_core PRIVATE LSOCK_HAVE_BPF=1)
	target_link_libraries(lsock_core PUBLIC PkgConfig::LIBBPF)
else()
	if(LSOCK_BPF STREQUAL "off")
		set(lsock_bpf_why "LSOCK_BPF=off")
	else()
		set(lsock_bpf_why "missing: ${lsock_bpf_missing}")
	endif()
	message(STATUS "BPF owner source not built (${lsock_bpf_why}): owners come from the /proc walk")
endif()
