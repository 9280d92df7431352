"""C++ run-time libraries (libstdc++.so.6, libgcc_s.so.1) the final image lacks, where no C++ compiler command says
so: a Go build with cgo on that reaches a module linking C++ (knowledge go_cxx; MI403 when seen, MI491 when only
go.mod lists it), a cloned cmake project whose build packages an apk del of a computed list removes (MI491), and
the apk and apt removals that do or do not take the libraries away. From the sixth held-out batch's misses
(magneticow, go-btfs, h2o.docker)."""
from __future__ import annotations

import pytest

from kb.lint.apkdel import deleted, is_snapshot
from kb.lint.cxxlink import go_required
from tests.bounded import within
from tests.lint.context_files import lint_with_files

TORRENT_MOD = "module example.test/seed\n\ngo 1.22\n\nrequire (\n\tgithub.com/anacrolix/torrent v1.55.0\n)\n"
SEEDER = 'package main\n\nimport (\n\t"fmt"\n\n\t"github.com/anacrolix/torrent"\n)\n\nfunc main() { fmt.Println(torrent.NewDefaultClientConfig()) }\n'
LOCAL = 'package main\n\nimport "example.test/seed/internal/web"\n\nfunc main() { web.Serve() }\n'
WEB = 'package web\n\nimport "net/http"\n\nfunc Serve() { http.ListenAndServe(":80", nil) }\n'


def go_dockerfile(build: str = "go build -o /out/app ./cmd/app", final: str = "FROM alpine:3.20",
                  builder: str = "FROM golang:1.22-alpine AS build\nRUN apk add --no-cache build-base") -> str:
    return (f"{builder}\nWORKDIR /src\nCOPY . .\nRUN {build}\n{final}\n"
            "COPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n")


def cxx(knowledge, text, files=None, tmp_path=None):
    return [(f.rule, f.severity, f.line, f.message, f.fix) for f in lint_with_files(knowledge, text, files, tmp_path)
            if f.rule in ("MI403", "MI491")]


# ---- Go: what the built package reaches ----------------------------------------------------------------------------

def test_a_go_program_that_imports_torrent_needs_the_cxx_runtime_alpine_lacks(knowledge, tmp_path):
    files = {"go.mod": TORRENT_MOD, "cmd/app/main.go": SEEDER}
    [(rule, severity, line, msg, fix)] = cxx(knowledge, go_dockerfile(), files, tmp_path)
    assert (rule, severity, line) == ("MI403", "error", 7)
    assert msg.startswith("the Go program /app needs libstdc++.so.6 and libgcc_s.so.1 (with cgo on it links C++: "
                          "it imports github.com/anacrolix/torrent (cmd/app/main.go:6): its root package imports "
                          "github.com/anacrolix/go-libutp (libutp, C++) when cgo is on), which alpine:3.20 does not "
                          "have")
    assert "apk add libstdc++ libgcc" in fix and "-static-libstdc++ -static-libgcc" in fix


def test_the_same_program_on_an_image_with_the_libraries_is_quiet(knowledge, tmp_path):
    files = {"go.mod": TORRENT_MOD, "cmd/app/main.go": SEEDER}
    ok = go_dockerfile(final="FROM alpine:3.20\nRUN apk add --no-cache libstdc++")
    assert cxx(knowledge, ok, files, tmp_path) == []
    debian = go_dockerfile(builder="FROM golang:1.22-bookworm AS build", final="FROM gcr.io/distroless/cc-debian12")
    assert cxx(knowledge, debian, files, tmp_path) == []
    base = debian.replace("cc-debian12", "base-debian12")
    assert [r[:3] for r in cxx(knowledge, base, files, tmp_path)] == [("MI403", "error", 6)]


@pytest.mark.parametrize("build", ["CGO_ENABLED=0 go build -o /out/app ./cmd/app",
                                   "go build -tags disable_libutp -o /out/app ./cmd/app",
                                   "go build -ldflags \"-extldflags '-static-libstdc++ -static-libgcc'\" "
                                   "-o /out/app ./cmd/app"])
def test_no_cgo_the_tag_that_drops_libutp_or_a_static_cxx_link_need_nothing(knowledge, tmp_path, build):
    files = {"go.mod": TORRENT_MOD, "cmd/app/main.go": SEEDER}
    assert cxx(knowledge, go_dockerfile(build), files, tmp_path) == []


def test_static_libstdcxx_alone_still_needs_libgcc_s(knowledge, tmp_path):
    # g++ 12: a cgo program linked with -extldflags '-static-libstdc++' still NEEDs libgcc_s.so.1
    files = {"go.mod": TORRENT_MOD, "cmd/app/main.go": SEEDER}
    build = "go build -ldflags \"-extldflags '-static-libstdc++'\" -o /out/app ./cmd/app"
    [(rule, _sev, _line, msg, _fix)] = cxx(knowledge, go_dockerfile(build), files, tmp_path)
    assert rule == "MI403" and "needs libgcc_s.so.1 (" in msg and "libstdc++.so.6" not in msg.split("(")[0]


def test_a_command_that_reaches_only_its_own_packages_is_quiet(knowledge, tmp_path):
    files = {"go.mod": TORRENT_MOD, "cmd/app/main.go": LOCAL, "internal/web/web.go": WEB}
    assert cxx(knowledge, go_dockerfile(), files, tmp_path) == []


def test_torrent_s_other_packages_are_not_its_root_package(knowledge, tmp_path):
    # torrent/metainfo brings no libutp itself, but it is another module's package, which lint does not follow:
    # a warning that says so, never the MI403 error
    meta = 'package main\n\nimport "github.com/anacrolix/torrent/metainfo"\n\nfunc main() { metainfo.Load(nil) }\n'
    files = {"go.mod": TORRENT_MOD, "cmd/app/main.go": meta}
    assert [r[:2] for r in cxx(knowledge, go_dockerfile(), files, tmp_path)] == [("MI491", "warning")]


def test_go_mod_alone_is_a_warning_that_names_the_module_the_libraries_and_what_lint_cannot_tell(knowledge, tmp_path):
    [(rule, severity, line, msg, fix)] = cxx(knowledge, go_dockerfile(), {"go.mod": TORRENT_MOD}, tmp_path)
    assert (rule, severity, line) == ("MI491", "warning", 7)
    assert "go.mod:6 requires github.com/anacrolix/torrent: its root package imports github.com/anacrolix/go-libutp" in msg
    assert "it needs libstdc++.so.6 and libgcc_s.so.1, which alpine:3.20 does not have" in msg
    assert '"Error loading shared library libstdc++.so.6: No such file or directory"' in msg
    assert "lint cannot tell whether ./cmd/app reaches it" in msg
    assert fix.startswith("install them in the final stage (apk add libstdc++ libgcc)") and "disable_libutp" in fix


def test_an_indirect_requirement_into_busybox_glibc_is_the_glibc_wording(knowledge, tmp_path):
    mod = "module example.test/n\n\ngo 1.22\n\nrequire github.com/anacrolix/go-libutp v1.3.1 // indirect\n"
    text = go_dockerfile(builder="FROM golang:1.22-bookworm AS build", final="FROM busybox:glibc")
    [(rule, _sev, _line, msg, fix)] = cxx(knowledge, text, {"go.mod": mod}, tmp_path)
    assert rule == "MI491" and "go.mod:5 requires github.com/anacrolix/go-libutp" in msg
    assert "error while loading shared libraries: libstdc++.so.6: cannot open shared object file" in msg
    assert "gcr.io/distroless/cc-debian13" in fix


def test_without_a_go_mod_lint_says_nothing_new(knowledge, tmp_path):
    assert cxx(knowledge, go_dockerfile(), {"cmd/app/main.go": SEEDER}, tmp_path) == []
    assert cxx(knowledge, go_dockerfile()) == []


def test_go_mod_requirements_are_read_in_both_forms_with_comments():
    text = ("module x\n\nrequire github.com/a/b v1.0.0 // indirect\nrequire (\n\t// a comment\n"
            "\tgithub.com/c/d v2.0.0+incompatible\n\t\"github.com/e/f\" v0.1.0 // indirect\n)\n"
            "replace github.com/c/d => ../d\nexclude github.com/g/h v1.0.0\n")
    assert go_required(text) == [("github.com/a/b", 3), ("github.com/c/d", 6), ("github.com/e/f", 7)]


def test_go_mod_reading_is_linear_on_hostile_text():
    hostile = "require (\n" + "\t" + "a" * 200_000 + " \t" * 200_000 + "v1\n" + "//\n" * 50_000
    with within():
        assert go_required(hostile) == [("a" * 200_000, 2)]
        assert go_required("require " * 100_000) == [("require", 1)]
        assert is_snapshot(["apk"] + [">"] * 100_000) is False and deleted(["xargs"] * 100_000) is None


# ---- apk: what a deletion takes away ---------------------------------------------------------------------------------

H2O_LIKE = """FROM alpine:3.20
RUN apk add --no-cache openssl {keep}\\
    && grep ^P /lib/apk/db/installed | sed -e 's#^P:##g' | sort > /before \\
    && apk add --no-cache build-base cmake git zlib-dev \\
    && git clone --depth 1 https://example.test/server.git /src \\
    && cd /src && cmake . && make install \\
    && grep ^P /lib/apk/db/installed | sed -e 's#^P:##g' | sort > /after \\
    && diff /before /after | grep -e "^+[^+]" | sed -e 's#+##g' | xargs -n1 apk del
CMD ["server"]
"""


def test_a_computed_apk_del_after_a_listing_takes_libstdcxx_with_build_base(knowledge):
    [(rule, severity, line, msg, fix)] = cxx(knowledge, H2O_LIKE.format(keep=""))
    assert (rule, severity, line) == ("MI491", "warning", 2)
    assert msg.startswith("each program in /usr/local/bin is built by cmake from a project whose CMakeLists.txt is "
                          "not in the build context, linked dynamically (cmake's default), in a stage with a C++ "
                          "compiler (build-base); if it links C++, it needs")
    assert "it needs libstdc++.so.6 and libgcc_s.so.1, which alpine:3.20 does not have" in msg
    assert "lint cannot tell whether the project compiles C++" in msg
    assert "apk add libstdc++ libgcc by name" in fix


def test_libstdcxx_added_by_name_before_the_listing_stays(knowledge):
    assert cxx(knowledge, H2O_LIKE.format(keep="libstdc++ ")) == []


def test_without_a_listing_a_computed_list_removes_nothing_lint_can_tell(knowledge):
    text = H2O_LIKE.format(keep="").replace("grep ^P /lib/apk/db/installed | sed -e 's#^P:##g' | sort > /before",
                                            "true")
    text = text.replace("grep ^P /lib/apk/db/installed | sed -e 's#^P:##g' | sort > /after", "true")
    assert cxx(knowledge, text) == []  # build-base counts as still there: libstdc++ came with it


def test_the_computed_deletion_also_feeds_mi440(knowledge):
    text = ("FROM alpine:3.20\nCOPY app.c /app.c\n"
            "RUN {keep}apk info > /before && apk add --no-cache gcc musl-dev sqlite-dev "
            "&& gcc -o /usr/local/bin/app /app.c -lsqlite3 && apk info > /after "
            "&& apk del $(diff /before /after | sed -n 's/^+//p')\nCMD [\"app\"]\n")
    [found] = [f for f in lint_with_files(knowledge, text.format(keep="")) if f.rule == "MI440"]
    assert (found.line, found.severity) == (3, "warning") and found.message.startswith("libsqlite3 (sqlite-dev): deleted")
    kept = text.format(keep="apk add --no-cache sqlite-libs && ")  # the run-time package added before the listing
    assert [f for f in lint_with_files(knowledge, kept) if f.rule == "MI440"] == []


def test_listings_and_deletions_are_recognised():
    assert is_snapshot(["grep", "^P", "/lib/apk/db/installed"]) and is_snapshot(["apk", "info", ">", "/b"])
    assert is_snapshot(["apk", "list", "--installed"]) and not is_snapshot(["apk", "info", "curl"])
    assert not is_snapshot(["apk", ">", "x"]) and not is_snapshot(["cat", "/etc/apk/world"])
    assert deleted(["xargs", "-n1", "apk", "del"]) == ([], True)
    assert deleted(["apk", "del", "$(cat", "/x)"]) == ([], True)
    assert deleted(["apk", "--no-cache", "del", ".build-deps"]) == ([".build-deps"], False)
    assert deleted(["xargs", "rm"]) is None and deleted(["apk", "add", "x"]) is None


# ---- Debian: libstdc++6 is part of the slim images, so apt's removals do not take it ----------------------------------

def test_apt_purge_auto_remove_of_g_plus_plus_on_debian_slim_leaves_libstdcxx(knowledge):
    text = ("FROM debian:bookworm-slim\nCOPY main.cpp /main.cpp\n"
            "RUN apt-get update && apt-get install -y g++ && g++ -o /usr/local/bin/app /main.cpp "
            "&& apt-get purge -y --auto-remove g++\nCMD [\"app\"]\n")
    assert cxx(knowledge, text) == []


# ---- Rust: a crate that links C++ -------------------------------------------------------------------------------------

CXX_LOCK = ('version = 3\n\n[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = [\n "cxx",\n]\n\n'
            '[[package]]\nname = "cxx"\nversion = "1.0.120"\ndependencies = [\n "link-cplusplus",\n]\n\n'
            '[[package]]\nname = "link-cplusplus"\nversion = "1.0.9"\n')
CXX_TOML = '[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\ncxx = "1"\n'


def rust_dockerfile(runtime: str) -> str:
    return ("FROM alpine:3.20 AS build\nRUN apk add --no-cache cargo g++\nWORKDIR /src\nCOPY . .\n"
            f"RUN cargo build --release\nFROM alpine:3.20\nRUN apk add --no-cache {runtime}\n"
            "COPY --from=build /src/target/release/app /app\nCMD [\"/app\"]\n")


def test_a_rust_program_whose_lock_links_cplusplus_needs_libstdcxx_not_only_libgcc(knowledge, tmp_path):
    files = {"Cargo.toml": CXX_TOML, "Cargo.lock": CXX_LOCK}
    [(rule, severity, line, msg, _fix)] = cxx(knowledge, rust_dockerfile("libgcc"), files, tmp_path)
    assert (rule, severity, line) == ("MI403", "error", 8)
    assert msg.startswith("the Rust program /app needs libstdc++.so.6 (it links C++: the crate link-cplusplus in "
                          "Cargo.lock (links the C++ standard library (-lstdc++); cxx depends on it)), which "
                          "alpine:3.20 does not have")
    assert cxx(knowledge, rust_dockerfile("libstdc++"), files, tmp_path) == []


def test_a_lock_without_such_a_crate_needs_only_libgcc_s(knowledge, tmp_path):
    lock = CXX_LOCK.replace(' "cxx",\n', "").split("\n\n[[package]]\nname = \"cxx\"")[0] + "\n"
    files = {"Cargo.toml": CXX_TOML.replace('cxx = "1"\n', ""), "Cargo.lock": lock}
    assert cxx(knowledge, rust_dockerfile("libgcc"), files, tmp_path) == []


def test_a_tool_installed_from_another_module_is_not_judged_by_the_context_s_go_mod(knowledge, tmp_path):
    text = go_dockerfile("GOBIN=/out go install example.org/tools/app@v1.2.0")
    assert cxx(knowledge, text, {"go.mod": TORRENT_MOD}, tmp_path) == []
    assert [r[0] for r in cxx(knowledge, go_dockerfile("go build -o /out/app ./..."), {"go.mod": TORRENT_MOD},
                              tmp_path)] == ["MI491"]


CXX_INTO_ALPINE = """FROM alpine:3.21 AS build
RUN apk add --no-cache g++ jsoncpp-dev
COPY main.cpp /src/
RUN mkdir /build && g++ -O2 -o /build/app /src/main.cpp -ljsoncpp
FROM alpine:3.21
RUN apk add --no-cache {packages}
COPY --from=build /build/app /usr/bin/app
CMD ["app"]
"""


@pytest.mark.parametrize("packages,missing", [
    ("tini", True),                 # nothing of C++'s run time
    ("jsoncpp tini", False),        # a C++ library's package depends on libstdc++ and libgcc
    ("fmt spdlog", False),
])
def test_a_cxx_library_package_brings_the_cxx_runtime(knowledge, packages, missing):
    from kb.lint import lint_text

    found = [f.rule for f in lint_text(knowledge, CXX_INTO_ALPINE.format(packages=packages), context_dir=None)]
    assert ("MI403" in found) is missing
