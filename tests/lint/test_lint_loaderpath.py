"""MI496 and MI497: a shared library in the final image that its loader cannot find. The loaders' behaviour they rest
on was checked by running them in a chroot (kb/lint/loaderpath.py says how); these tests hold what lint says about
small Dockerfiles of our own: where it warns and what it names, and the correct forms that stay quiet."""
from __future__ import annotations

import pytest

from kb.lint import lint_text
from kb.lint.loaderpath import _Stage

from tests.bounded import within


def found(knowledge, text: str, rule: str) -> list:
    return [(f.line, f.severity, f.message, f.fix) for f in lint_text(knowledge, text, context_dir=None)
            if f.rule == rule]


# ---- MI496: a directory the loader does not search ---------------------------------------------------------------

GRPC = ("FROM alpine:3.12 AS build\n"
        "RUN apk add --no-cache build-base cmake git\n"
        "RUN cd /grpc/cmake/build && cmake -DBUILD_SHARED_LIBS=ON -DCMAKE_INSTALL_PREFIX=/usr{opts} ../.. && "
        "DESTDIR=/out cmake --build . --target install\n"
        "RUN g++ -o /out/usr/bin/plugin plugin.cpp {link} -lprotoc -lprotobuf\n"
        "FROM alpine:3.12 AS packer\n"
        "COPY --from=build /out/ /out/\n"
        "RUN find /out -name '*.a' -delete\n"
        "FROM alpine:3.12\n"
        "RUN apk add --no-cache libstdc++\n"
        "COPY --from=packer /out/ /\n"
        "{after}ENTRYPOINT [\"plugin\"]\n")


def test_a_destdir_tree_with_lib64_copied_into_alpine_through_another_stage_is_a_warning(knowledge):
    [(line, severity, message, fix)] = found(knowledge, GRPC.format(opts="", link="-L/usr/lib64", after=""), "MI496")
    assert (line, severity) == (10, "warning")
    assert message.startswith("COPY --from=packer /out/ / brings the shared libraries that line 3 installs (grpc) "
                              "into /usr/lib64 (CMake's GNUInstallDirs default; the stage itself links from "
                              "/usr/lib64), a directory the loader of alpine:3.12 does not search "
                              "(/lib:/usr/local/lib:/usr/lib")
    assert 'stops with "Error loading shared library libX.so.N: No such file or directory"' in message
    assert "-DCMAKE_INSTALL_LIBDIR=lib" in fix and "/etc/ld-musl-x86_64.path" in fix and "LD_LIBRARY_PATH" in fix


def test_an_explicit_lib64_needs_no_hint(knowledge):
    text = GRPC.format(opts=" -DCMAKE_INSTALL_LIBDIR=lib64", link="", after="")
    assert [m[0] for m in found(knowledge, text, "MI496")] == [10]


@pytest.mark.parametrize("opts,link,after", [
    ("", "-L/usr/lib64", "ENV LD_LIBRARY_PATH=/usr/lib:/usr/lib64\n"),       # the fix docker-protobuf made
    ("", "-L/usr/lib64", "RUN printf '/lib\\n/usr/local/lib\\n/usr/lib\\n/usr/lib64\\n' > /etc/ld-musl-x86_64.path\n"),
    ("", "-L/usr/lib64", "RUN mv /usr/lib64/* /usr/lib/\n"),                  # moved where the loader looks
    ("", "", ""),                 # nothing shows lib64: today's CMake on Alpine installs into lib
    (" -DCMAKE_INSTALL_LIBDIR=lib", "-L/usr/lib64", ""),
    (" -DCMAKE_INSTALL_RPATH=/usr/lib64", "-L/usr/lib64", ""),               # an rpath tells the loader
    (" -DBUILD_SHARED_LIBS=OFF", "-L/usr/lib64", ""),                        # static libraries only
])
def test_the_correct_forms_stay_quiet(knowledge, opts, link, after):
    assert found(knowledge, GRPC.format(opts=opts, link=link, after=after), "MI496") == []


OPT = ("FROM {build} AS build\n"
       "COPY . /src\n"
       "RUN cd /src/libfoo && {configure} && make install\n"
       "FROM {final}\n"
       "COPY --from=build {src} {dest}\n"
       "{after}CMD [\"/opt/foo/bin/foo\"]\n")


def test_a_prefix_of_its_own_on_glibc_needs_ld_so_conf_and_ldconfig(knowledge):
    text = OPT.format(build="debian:bookworm", configure="cmake -B build -DCMAKE_INSTALL_PREFIX=/opt/foo .",
                      final="debian:bookworm-slim", src="/opt/foo", dest="/opt/foo", after="")
    [(line, _sev, message, fix)] = found(knowledge, text, "MI496")
    assert line == 5 and "(libfoo) into /opt/foo/lib, a directory the loader of debian:bookworm-slim" in message
    assert "error while loading shared libraries: libX.so.N: cannot open shared object file" in message
    assert "/etc/ld.so.conf.d/NAME.conf and run ldconfig" in fix
    assert found(knowledge, text.replace("CMD", "RUN echo /opt/foo/lib > /etc/ld.so.conf.d/foo.conf && ldconfig\nCMD"),
                 "MI496") == []


@pytest.mark.parametrize("build,final,libdir,flagged", [
    ("fedora:40", "debian:bookworm-slim", "lib64", True),   # Debian's glibc does not search /usr/lib64
    ("fedora:40", "fedora:40", "lib64", False),             # Fedora's does
    ("fedora:40", "opensuse/leap:15.5", "lib64", False),    # so do SUSE's, RHEL's and Amazon Linux's
    ("fedora:40", "amazonlinux:2023", "lib64", False),
    ("fedora:40", "ubuntu:24.04", "lib64", True),
    ("debian:bookworm", "debian:bookworm-slim", "lib/x86_64-linux-gnu", False),  # multiarch
    ("debian:bookworm", "debian:bookworm-slim", "lib", False),
    # in Debian's ld.so.conf: found once ldconfig runs, a cache away like /usr/local/lib, which is MI495's
    ("debian:bookworm", "debian:bookworm-slim", "/usr/local/lib/x86_64-linux-gnu", False),
])
def test_which_glibc_directories_are_searched(knowledge, build, final, libdir, flagged):
    text = OPT.format(build=build, final=final, src="/out/", dest="/", after="",
                      configure=f"cmake -B build -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_INSTALL_LIBDIR={libdir} . "
                                "&& DESTDIR=/out cmake --build build --target install")
    assert [m[0] for m in found(knowledge, text, "MI496")] == ([5] if flagged else [])


@pytest.mark.parametrize("src,dest,flagged", [
    ("/usr/local/lib/libfoo.so.1", "/opt/lib/", True),      # one library, into a directory nothing searches
    ("/usr/local/lib/libfoo.*", "/opt/lib/", True),
    ("/usr/local/lib/libfoo.so.1", "/usr/lib/", False),
    ("/usr/local/lib/libfoo.a", "/opt/lib/", False),         # a static archive: nothing to load
    ("/usr/local/lib/cmake", "/opt/lib/cmake", False),
])
def test_files_copied_out_of_the_library_directory_land_where_the_copy_says(knowledge, src, dest, flagged):
    text = OPT.format(build="debian:bookworm", configure="cmake -B build -DBUILD_SHARED_LIBS=ON .",
                      final="debian:bookworm-slim", src=src, dest=dest, after="")
    assert [m[0] for m in found(knowledge, text, "MI496")] == ([5] if flagged else [])


@pytest.mark.parametrize("configure,flagged", [
    ("cmake -B build -DBUILD_SHARED_LIBS=ON . && cmake --build build && cmake --install build --prefix /opt/foo", True),
    ("cmake -B build -DCMAKE_INSTALL_PREFIX=/opt/foo -DCMAKE_SKIP_INSTALL_RPATH=ON .", True),  # no rpath at all
    ("cmake -B build -DCMAKE_INSTALL_PREFIX=/opt/foo -DCMAKE_INSTALL_RPATH=/opt/foo/lib .", False),
    ("cmake -B build -DCMAKE_INSTALL_PREFIX=$FOO_HOME .", False),    # a prefix lint cannot know
])
def test_how_the_prefix_and_the_rpath_are_read(knowledge, configure, flagged):
    text = OPT.format(build="debian:bookworm", configure=configure, final="debian:bookworm-slim", src="/opt/foo",
                      dest="/opt/foo", after="")
    assert [m[0] for m in found(knowledge, text, "MI496")] == ([5] if flagged else [])


def test_a_configure_build_keeps_its_libtool_rpath_and_stays_quiet(knowledge):
    text = OPT.format(build="debian:bookworm", configure="./configure --prefix=/opt/foo",
                      final="debian:bookworm-slim", src="/opt/foo", dest="/opt/foo", after="")
    assert found(knowledge, text, "MI496") == []


def test_libraries_left_in_the_builder_say_nothing(knowledge):
    text = OPT.format(build="debian:bookworm", configure="cmake -B build -DCMAKE_INSTALL_PREFIX=/opt/foo .",
                      final="debian:bookworm-slim", src="/opt/foo/bin/foo", dest="/usr/local/bin/", after="")
    assert found(knowledge, text, "MI496") == []


# ---- MI497: the link-time name only ------------------------------------------------------------------------------

CLERI = ("FROM alpine:3.7\n"
         "RUN apk add gcc make musl-dev git && git clone https://github.com/transceptor-technology/libcleri.git "
         "/tmp/libcleri && cd /tmp/libcleri/Release && make all && make install\n"
         "RUN cd /src/Release && make\n"
         "FROM alpine:3.7\n"
         "COPY --from=0 /src/Release/app /usr/local/bin/\n"
         "COPY --from=0 {src} /usr/lib/\n"
         "{after}ENTRYPOINT [\"/usr/local/bin/app\"]\n")


@pytest.mark.parametrize("src", ["/usr/lib/libcleri.so", "/usr/lib/lib*.so"])
def test_copying_only_the_link_time_name_is_a_warning_naming_the_soname_and_the_fix(knowledge, src):
    [(line, severity, message, fix)] = found(knowledge, CLERI.format(src=src, after=""), "MI497")
    assert (line, severity) == (6, "warning")
    assert message.startswith(f"COPY --from=0 {src} copies libcleri.so, the link-time name of libcleri that line 2 "
                              "installs, and nothing copies its versioned files")
    assert "ask the loader for that (libcleri.so.N, whatever N its install wrote)" in message
    assert fix.startswith("copy every name the install wrote: COPY --from=STAGE /usr/lib/libcleri.so* /usr/lib/")


@pytest.mark.parametrize("src,after", [
    ("/usr/lib/libcleri*", ""),                      # the fix siridb-server made
    ("/usr/lib/libcleri.so*", ""),
    ("/usr/lib/libcleri.so.0", ""),
    ("/usr/lib/", ""),                               # the whole directory
    ("/usr/lib/libcleri.so", "RUN ln -s libcleri.so /usr/lib/libcleri.so.0\n"),
    ("/usr/lib/libssl.so", ""),                      # not a library this stage built
])
def test_copies_that_bring_the_soname_stay_quiet(knowledge, src, after):
    assert found(knowledge, CLERI.format(src=src, after=after), "MI497") == []


def test_a_second_copy_of_the_versioned_file_is_enough(knowledge):
    text = CLERI.format(src="/usr/lib/libcleri.so", after="COPY --from=0 /usr/lib/libcleri.so.0 /usr/lib/\n")
    assert found(knowledge, text, "MI497") == []


# ---- hostile input ------------------------------------------------------------------------------------------------

def test_hostile_input_is_read_in_linear_time(knowledge):
    """10,000 installs into a DESTDIR tree, and 5,000 COPYs of a link-time name, through lint."""
    n = 5_000
    text = ("FROM alpine:3.12 AS build\n"
            "RUN cd /libfoo && cmake -DBUILD_SHARED_LIBS=ON -DCMAKE_INSTALL_LIBDIR=lib64 . \\\n"
            + " && DESTDIR=/out make install \\\n" * (2 * n) + " && true\n"
            "FROM alpine:3.12\n" + "COPY --from=build /out/ /\n"
            + "COPY --from=build /out/usr/lib64/libfoo.so /x/\n" * n)
    with within():
        mi496 = found(knowledge, text, "MI496")
        mi497 = found(knowledge, text, "MI497")
    assert [m[0] for m in mi496] == [2 * n + 5]
    assert len(mi497) == 0  # the COPY of /out/ brings the whole tree, libfoo.so.N with it


def test_the_walk_looks_at_a_directory_once_however_often_it_installs_there():
    """A 2,000,000-character directory and 50,000 installs in it, given to the walk as commands."""
    deep = "/" + "/".join(["libx"] * 400_000)
    st = _Stage()
    with within():
        st.run(7, [["cd", deep]] + [["cmake", "-DBUILD_SHARED_LIBS=ON", "."]] + [["make", "install"]] * 50_000, "/", {})
    assert 0 < len(st.installs) <= 64 and st.installs[0].name == "libx" and st.installs[0].path == "/usr/local/lib"


def test_a_final_image_whose_tag_is_an_arg_without_default_is_named_as_written(knowledge):
    text = "ARG ALPINE_VERSION\n" + GRPC.format(opts="", link="-L/usr/lib64", after="").replace(
        "FROM alpine:3.12\n", "FROM alpine:${ALPINE_VERSION}\n")
    [(line, _sev, message, _fix)] = found(knowledge, text, "MI496")
    assert line == 11 and "a directory the loader of alpine:${ALPINE_VERSION} does not search" in message


ZMQ = ("FROM node:12-alpine AS node_modules\n"
       "RUN apk add --no-cache python alpine-sdk zeromq-dev\n"
       "COPY package.json package-lock.json /\n"
       "RUN npm ci --production\n"
       "FROM node:12-alpine\n"
       "COPY --from=node_modules /usr/lib/{src} /usr/lib/libzmq.so\n"
       "COPY --from=node_modules /node_modules/ /node_modules\n")


def test_a_distribution_librarys_link_time_name_copied_alone_is_a_warning(knowledge):
    """js-drive (heldout16): zeromq-dev's /usr/lib/libzmq.so is a link to libzmq.so.5.x; the zeromq addon asks for
    libzmq.so.5: "Error loading shared library libzmq.so.5"."""
    [(line, severity, message, fix)] = found(knowledge, ZMQ.format(src="libzmq.so"), "MI497")
    assert (line, severity) == (6, "warning")
    assert "copies libzmq.so, the link-time name of libzmq that line 2 installs" in message
    assert "libzmq.so.N" in message and "/usr/lib/libzmq.so*" in fix


@pytest.mark.parametrize("text", [
    ZMQ.format(src="libzmq.so*"),  # the versioned names come with it
    ZMQ.format(src="libzmq.so.5"),  # the soname itself
    ZMQ.format(src="libzmq.so").replace("zeromq-dev", "zeromq"),  # no -dev package: not a link lint can vouch for
    ZMQ.format(src="libzmq.so").replace("zeromq-dev", "openssl-dev"),  # another library's -dev package
    ZMQ.format(src="libzmq.so").replace("/usr/lib/libzmq.so /usr", "/opt/zmq/lib/libzmq.so /usr"),  # not the distro's
])
def test_a_distribution_library_copied_with_its_soname_or_from_elsewhere_stays_quiet(knowledge, text):
    assert not found(knowledge, text, "MI497")
