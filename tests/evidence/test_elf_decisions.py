"""Each decision `minimage-ask inspect` takes from an ELF file, shown on a file written to show exactly that one:
linkage (static, static-pie, dynamic, shared library), the C library and how it was told, the highest symbol
versions, Go, and the facts the rule base is given. Hand-written files reach the cases no installed compiler
produces (an unknown loader, a static binary with both libc's marker symbols, a note of the wrong type)."""
from __future__ import annotations

import pytest

from kb.evidence.elf import inspect_elf
from kb.evidence.facts import inspect_path

from .elf_writer import ABI_TAG, BUILD_ID, DF_1_PIE, ET_CORE, ET_DYN, ET_EXEC, ET_REL, GO_BUILD_ID, note, write_elf

GLIBC_LOADER = "/lib64/ld-linux-x86-64.so.2"
MUSL_LOADER = "/lib/ld-musl-x86_64.so.1"


def facts(path) -> dict[tuple[str, str], str]:
    """What `inspect` derives: (fact, value) -> the note saying where it comes from."""
    return {(j.fact.name, j.fact.value): j.note for j in inspect_path(str(path))[2]}


# ---- linkage -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kw,linkage", [
    (dict(e_type=ET_EXEC), "static"),
    (dict(e_type=ET_EXEC, needed=()), "static"),
    (dict(e_type=ET_DYN, needed=(), flags_1=DF_1_PIE), "static-pie"),
    (dict(e_type=ET_DYN, needed=(), flags_1=DF_1_PIE | 0x1), "static-pie"),         # DF_1_NOW as well
    (dict(e_type=ET_DYN, needed=(), flags_1=0x1), "shared-library"),                # no DF_1_PIE
    (dict(e_type=ET_DYN, needed=()), "shared-library"),                            # no DT_FLAGS_1 at all
    (dict(e_type=ET_DYN, needed=("libc.so.6",), flags_1=DF_1_PIE), "shared-library"),  # needs libraries
    (dict(e_type=ET_DYN, flags_1=DF_1_PIE), "shared-library"),                     # no PT_DYNAMIC
    (dict(e_type=ET_DYN, interp=GLIBC_LOADER, needed=("libc.so.6",), flags_1=DF_1_PIE), "dynamic"),
    (dict(e_type=ET_EXEC, interp=GLIBC_LOADER, needed=("libc.so.6",)), "dynamic"),
    (dict(e_type=ET_EXEC, needed=("libc.so.6",)), "shared-library"),               # libraries, no loader
    (dict(e_type=ET_REL), "relocatable"),
    (dict(e_type=ET_CORE), "core"),
    (dict(e_type=0), "unknown"),
])
def test_linkage(tmp_path, kw, linkage):
    r = inspect_elf(write_elf(tmp_path / "f", **kw))
    assert r.linkage == linkage
    assert r.is_static == (linkage in ("static", "static-pie"))
    assert r.is_static_pie == (linkage == "static-pie")


def test_a_static_pie_binary_is_static_to_the_rule_base(tmp_path):
    path = write_elf(tmp_path / "spie", e_type=ET_DYN, needed=(), flags_1=DF_1_PIE, notes=(ABI_TAG,))
    f = facts(path)
    assert f[("binary_libc", "none")] == f"{path} (statically linked: no ELF interpreter)"
    assert f[("native_deps", "no")] == f"{path} (statically linked)"
    assert ("binary_name", "spie") in f
    r = inspect_elf(path)
    assert (r.static_libc, r.libc, r.libc_evidence) == ("glibc", "glibc", "abi-tag-note")


def test_a_shared_library_is_not_a_program_with_a_libc(tmp_path):
    path = write_elf(tmp_path / "libx.so", e_type=ET_DYN, needed=("libfoo.so.2",), soname="libx.so.1")
    r = inspect_elf(path)
    assert (r.linkage, r.soname, r.libc, r.libc_evidence) == ("shared-library", "libx.so.1", None, None)
    f = facts(path)
    assert not [k for k in f if k[0] in ("binary_libc", "binary_name")]
    assert f[("native_deps", "yes")] == f"{path} (DT_NEEDED libfoo.so.2)"


# ---- the C library -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("interp,libc", [
    ("/lib64/ld-linux-x86-64.so.2", "glibc"), ("/lib/ld-linux-aarch64.so.1", "glibc"), ("/lib/ld-linux.so.2", "glibc"),
    ("/lib64/ld64.so.2", "glibc"), ("/lib/ld.so.1", "glibc"), ("/lib/ld-musl-x86_64.so.1", "musl"),
    ("/lib/ld-musl-armhf.so.1", "musl"), ("/lib/ld-uClibc.so.0", "uclibc"), ("/system/bin/linker64", "bionic"),
])
def test_the_loader_names_the_libc(tmp_path, interp, libc):
    r = inspect_elf(write_elf(tmp_path / "f", interp=interp, needed=()))
    assert (r.linkage, r.libc, r.libc_evidence, r.warnings) == ("dynamic", libc, "interpreter", ())


@pytest.mark.parametrize("interp", ["/lib/ld-weird.so.1", "/lib/ld-musl-x86_64.so.1.bak", "/lib/xld-linux.so.2",
                                    "/lib/ld-linux.so", "ld64.so.3", "/system/bin/linker32"])
def test_an_unknown_loader_is_a_warning_and_tells_no_libc(tmp_path, interp):
    path = write_elf(tmp_path / "f", interp=interp, needed=("libfoo.so.1",))
    r = inspect_elf(path)
    assert (r.libc, r.libc_evidence) == (None, None)
    assert r.warnings == (f"unknown interpreter {interp!r}",)
    assert not [k for k in facts(path) if k[0] in ("binary_libc", "binary_name")]


@pytest.mark.parametrize("needed,libc", [
    (("libfoo.so.1", "libc.so.6"), "glibc"), (("libc.musl-x86_64.so.1",), "musl"), (("libc.so",), "musl"),
    (("libc.so.0",), "uclibc"), (("libc.so.6.1",), None), (("xlibc.so.6",), None), (("libc.so.7",), None),
])
def test_without_a_known_loader_the_needed_libc_tells(tmp_path, needed, libc):
    r = inspect_elf(write_elf(tmp_path / "f", interp="/opt/ld.so", needed=needed))
    assert (r.libc, r.libc_evidence) == (libc, "needed" if libc else None)
    r = inspect_elf(write_elf(tmp_path / "lib", e_type=ET_DYN, needed=needed))
    assert (r.linkage, r.libc, r.libc_evidence) == ("shared-library", libc, "needed" if libc else None)


def test_the_loader_wins_over_the_needed_names(tmp_path):
    r = inspect_elf(write_elf(tmp_path / "f", interp=MUSL_LOADER, needed=("libc.so.6",), notes=(ABI_TAG,)))
    assert (r.libc, r.libc_evidence, r.has_gnu_abi_tag) == ("musl", "interpreter", True)


def test_an_unknown_loader_with_glibcs_abi_note_is_glibc(tmp_path):
    path = write_elf(tmp_path / "f", interp="/opt/ld.so", needed=("libfoo.so.1",), notes=(BUILD_ID, ABI_TAG))
    r = inspect_elf(path)
    assert (r.libc, r.libc_evidence, r.has_gnu_abi_tag) == ("glibc", "abi-tag-note", True)
    assert f"{path} (interpreter /opt/ld.so)" == facts(path)[("binary_libc", "glibc")]
    # a shared library carrying the note is not taken for a glibc program
    r = inspect_elf(write_elf(tmp_path / "lib", e_type=ET_DYN, needed=("libfoo.so.1",), notes=(ABI_TAG,)))
    assert (r.libc, r.libc_evidence) == (None, None)


@pytest.mark.parametrize("notes,abi", [
    ((ABI_TAG,), True),
    ((BUILD_ID, ABI_TAG), True),
    ((note(b"", 0), ABI_TAG), True),                # an empty note first: the walk goes on past it
    ((GO_BUILD_ID, note(b"GNUX", 9, b"12345"), ABI_TAG), True),   # names and descriptors padded to 4 bytes
    ((note(b"", 0, b"1"), ABI_TAG), True),
    ((BUILD_ID,), False),                           # a GNU note of another type
    ((note(b"GNUX", 1, bytes(16)),), False),        # type 1 under another name
    ((note(b"Go", 1, bytes(16)),), False),
    ((), False),
])
def test_glibcs_abi_note_marks_a_static_binary_glibc(tmp_path, notes, abi):
    """glibc's crt1.o brings NT_GNU_ABI_TAG; musl's does not: a static binary with both libcs' start-up symbols is
    told by the note alone."""
    path = write_elf(tmp_path / "f", notes=notes, symbols=("main", "__init_libc"))
    r = inspect_elf(path)
    assert r.has_gnu_abi_tag is abi
    want = ("glibc", "glibc", "abi-tag-note") if abi else ("musl", "musl", "symbols")
    assert (r.static_libc, r.libc, r.libc_evidence) == want


def test_the_abi_tag_section_alone_marks_glibc(tmp_path):
    r = inspect_elf(write_elf(tmp_path / "f", named=((".note.ABI-tag", ABI_TAG),), symbols=("main",)))
    assert (r.has_gnu_abi_tag, r.static_libc, r.libc_evidence) == (True, "glibc", "abi-tag-note")


@pytest.mark.parametrize("symbols,family", [
    (("main", "__libc_setup_tls"), "glibc"), (("_dl_aux_init",), "glibc"), (("_dl_relocate_static_pie",), "glibc"),
    (("_dl_non_dynamic_init",), "glibc"), (("__libc_start_init",), "musl"), (("__init_tls",), "musl"),
    (("__init_ssp", "__libc_setup_tls"), "musl"),   # the first marker in table order decides
    (("__libc_setup_tls", "__init_ssp"), "glibc"),
    (("main", "__libc_start_main"), None),           # both libcs have this one: it tells nothing
])
def test_the_first_start_up_symbol_names_a_static_binarys_libc(tmp_path, symbols, family):
    r = inspect_elf(write_elf(tmp_path / "f", symbols=symbols))
    assert (r.static_libc, r.libc_evidence) == (family, "symbols" if family else None)


def test_a_stripped_static_binary_has_no_libc_to_tell(tmp_path):
    path = write_elf(tmp_path / "f", named=((".text", b"\x90" * 16),))
    r = inspect_elf(path)
    assert (r.stripped, r.static_libc, r.libc) == (True, None, None)
    f = facts(path)
    assert ("binary_libc", "none") in f and ("binary_name", "f") in f


# ---- symbol versions -------------------------------------------------------------------------------------------
def test_the_highest_version_of_each_family_is_reported(tmp_path):
    versions = (("libc.so.6", ("GLIBC_2.9", "GLIBC_2.2.5", "GLIBC_2.17", "GLIBC_PRIVATE", "GLIBC_2.3")),
                ("libstdc++.so.6", ("GLIBCXX_3.4.9", "GLIBCXX_3.4.30", "CXXABI_1.3.13", "CXXABI_1.3.9",
                                    "XGLIBC_2.99", "GLIBC_2.18x")),
                ("libgcc_s.so.1", ("GCC_4.2.0", "GCC_3.0", "GCC_12")))
    path = write_elf(tmp_path / "app", interp=GLIBC_LOADER, needed=("libstdc++.so.6", "libgcc_s.so.1", "libc.so.6"),
                     versions=versions)
    r = inspect_elf(path)
    assert (r.glibc_version, r.glibcxx_version, r.cxxabi_version, r.gcc_version) == ("2.17", "3.4.30", "1.3.13", "12")
    f = facts(path)
    assert f[("binary_glibc", "2.17")] == f"{path} (needs GLIBC_2.17)"
    assert f[("binary_glibcxx", "3.4.30")] == f"{path} (needs GLIBCXX_3.4.30)"
    assert ("language", "cpp") in f
    assert f[("native_deps", "no")] == (f"{path} (DT_NEEDED only libstdc++.so.6, libgcc_s.so.1, libc.so.6: "
                                        "the C and C++ runtimes)")
    assert [k for k in f if k[0] == "binary_needs"] == [("binary_needs", "libstdc++.so.6"),
                                                        ("binary_needs", "libgcc_s.so.1"),
                                                        ("binary_needs", "libc.so.6")]


def test_a_program_needing_glibcxx_versions_is_cpp_even_without_naming_libstdcxx(tmp_path):
    path = write_elf(tmp_path / "app", interp=GLIBC_LOADER, needed=("libc.so.6",),
                     versions=(("libother.so.1", ("GLIBCXX_3.4.21",)),))
    assert ("language", "cpp") in facts(path)
    path = write_elf(tmp_path / "c", interp=GLIBC_LOADER, needed=("libc.so.6",),
                     versions=(("libc.so.6", ("GLIBC_2.34",)),))
    f = facts(path)
    assert not [k for k in f if k[0] in ("language", "binary_glibcxx")] and ("binary_glibc", "2.34") in f


def test_a_program_naming_libstdcxx_without_version_references_is_cpp(tmp_path):
    path = write_elf(tmp_path / "app", interp=GLIBC_LOADER, needed=("libstdc++.so.6", "libc.so.6"))
    assert ("language", "cpp") in facts(path)


def test_own_libraries_are_named_sorted_without_the_runtimes(tmp_path):
    path = write_elf(tmp_path / "app", interp=GLIBC_LOADER,
                     needed=("libz.so.1", "libm.so.6", "libc.so.6", "libssl.so.3", "libstdc++.so.6", "libz.so.1"))
    f = facts(path)
    assert f[("native_deps", "yes")] == f"{path} (DT_NEEDED libssl.so.3, libz.so.1)"
    assert ("native_deps", "no") not in f


# ---- Go ------------------------------------------------------------------------------------------------------------
def _buildinfo(cgo: str | None) -> bytes:
    """Go >= 1.18's inline build information blob: the magic, pointer size, flags, then two varint strings."""
    settings = "" if cgo is None else f"build\tCGO_ENABLED={cgo}\n"
    mod = ("0" * 16 + f"path\texample.com/app\nmod\texample.com/app\t(devel)\t\n{settings}" + "1" * 16).encode()
    vers = b"go1.22.1"
    return (b"\xff Go buildinf:" + bytes([8, 2]) + bytes(16) + bytes([len(vers)]) + vers
            + bytes([len(mod) & 0x7F | 0x80, len(mod) >> 7]) + mod + bytes(64))


@pytest.mark.parametrize("kw,is_go", [
    (dict(notes=(GO_BUILD_ID,)), True),
    (dict(notes=(note(b"Go", 3, b"x"),)), False),        # a Go-named note of another type
    (dict(notes=(note(b"GNU", 4, b"x"),)), False),
    (dict(named=((".note.go.buildid", b""),)), True),
    (dict(named=((".gopclntab", b""),)), False),         # a hint to look, not proof: no build info found
])
def test_go_is_told_by_its_build_id_note(tmp_path, kw, is_go):
    r = inspect_elf(write_elf(tmp_path / "f", **kw))
    assert (r.is_go, r.go) == (is_go, None)
    assert (("language", "go") in facts(tmp_path / "f")) is is_go


@pytest.mark.parametrize("cgo,static_cgo,cgo_fact", [("0", False, True), ("1", True, False), (None, True, False)])
def test_go_build_information_in_a_static_glibc_binary(tmp_path, cgo, static_cgo, cgo_fact):
    path = write_elf(tmp_path / "app", notes=(ABI_TAG, GO_BUILD_ID), writable=_buildinfo(cgo), sections=False)
    r = inspect_elf(path)
    assert r.is_go and r.go.go_version == "go1.22.1" and r.go.main_module == "example.com/app"
    assert r.go.cgo_enabled is (None if cgo is None else cgo == "1")
    assert (r.static_libc, r.glibc_static_cgo) == ("glibc", static_cgo)
    f = facts(path)
    assert (("cgo", "no") in f) is cgo_fact
    assert ("language", "go") in f


def test_go_build_information_is_found_without_sections_or_notes(tmp_path):
    """A Go binary stripped of its section headers and notes: the blob is looked for where the linker puts it."""
    r = inspect_elf(write_elf(tmp_path / "app", writable=_buildinfo("0"), sections=False))
    assert r.is_go and r.go.cgo_enabled is False and r.static_libc is None and not r.glibc_static_cgo
    r = inspect_elf(write_elf(tmp_path / "rel", e_type=ET_REL, writable=_buildinfo("0"), sections=False))
    assert not r.is_go and r.go is None


def test_go_build_information_is_read_from_its_section(tmp_path):
    r = inspect_elf(write_elf(tmp_path / "app", named=((".go.buildinfo", _buildinfo("1")),)))
    assert r.is_go and r.go.cgo_enabled is True and not r.glibc_static_cgo   # no libc linked in: not glibc
    assert r.warnings == ()


def test_a_corrupt_go_build_information_blob_is_a_warning(tmp_path):
    blob = b"\xff Go buildinf:" + bytes([8, 2]) + bytes(16) + b"\xff" * 12 + bytes(32)
    r = inspect_elf(write_elf(tmp_path / "app", named=((".go.buildinfo", blob),)))
    assert r.is_go and r.go is None
    assert r.warnings == ("Go build info header found but its strings are corrupt",)
