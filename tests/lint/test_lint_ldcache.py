"""MI495: a shared library installed from source into /usr/local/lib of a glibc image, with no ldconfig after it. The
loaders' behaviour it rests on was checked by running them (kb/lint/ldcache.py says how); these tests hold what lint
says about small Dockerfiles of our own: where it warns, and the correct forms that stay quiet (ldconfig after,
a package install after, static only, another prefix, LD_LIBRARY_PATH or an rpath, musl, a builder whose libraries
never reach the final image)."""
from __future__ import annotations

import pytest

from kb.lint import lint_text
from kb.lint.ldcache import _Walk

from tests.bounded import within


def mi495(knowledge, text: str) -> list:
    return [(f.line, f.severity, f.message, f.fix) for f in lint_text(knowledge, text, context_dir=None)
            if f.rule == "MI495"]


BOOST = ("FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y build-essential wget\n"
         "WORKDIR /tmp/boost_1_84_0\nRUN ./bootstrap.sh --prefix=/usr/local\nRUN ./b2 -j2{b2}\nRUN ./b2 install{after}\n"
         "COPY . /src\nRUN g++ -o /usr/local/bin/app /src/main.cpp -lboost_filesystem\nCMD [\"app\"]\n")


def test_boost_installed_by_b2_without_ldconfig_is_a_warning_naming_ldconfig(knowledge):
    [(line, severity, message, fix)] = mi495(knowledge, BOOST.format(b2="", after=""))
    assert (line, severity) == (6, "warning")
    assert message.startswith("./b2 install installs Boost into /usr/local/lib of ubuntu:22.04 and nothing after it "
                              "runs ldconfig")
    assert "error while loading shared libraries" in message
    assert "run ldconfig after the install, in the same RUN" in fix


@pytest.mark.parametrize("b2,after", [
    ("", " && ldconfig"),                      # the fix
    ("", "\nRUN ldconfig"),                    # a later RUN does it as well
    ("", "\nRUN apt-get install -y libicu70"),  # dpkg's ldconfig trigger refreshes the cache
    (" link=static", " link=static"),          # no shared library at all
    ("", "\nENV LD_LIBRARY_PATH=/usr/local/lib"),
])
def test_the_correct_forms_stay_quiet(knowledge, b2, after):
    assert mi495(knowledge, BOOST.format(b2=b2, after=after)) == []


def test_ldconfig_n_only_makes_links_and_does_not_count(knowledge):
    assert [m[0] for m in mi495(knowledge, BOOST.format(b2="", after=" && ldconfig -n /usr/local/lib"))] == [6]


@pytest.mark.parametrize("run,flagged", [
    ("cd /tmp/htslib && ./configure && make && make install", True),
    ("cd /tmp/zlib-1.3.1 && ./configure && make install", True),
    ("cd /src/libgit2 && cmake -B build && cmake --build build && cmake --install build", True),
    ("cd /src/libgit2 && cmake -B build && cmake --build build --target install", True),
    ("cd /src/libuv && ninja -C build install", True),
    ("cd /src/app && cmake -B build -DBUILD_SHARED_LIBS=ON && cmake --build build && cmake --install build", True),
    ("cd /tmp/cmake-3.28.1 && ./bootstrap && make install", False),            # a program, not a library
    ("cd /tmp/zlib-1.3.1 && ./configure --static && make install", False),      # static only
    ("cd /tmp/libsodium && ./configure --disable-shared && make install", False),
    ("cd /tmp/libuv && ./configure --prefix=/usr && make install", False),       # a trusted directory
    ("cd /tmp/libuv && ./configure --prefix=/opt/uv && make install", False),    # not /usr/local
    ("cd /tmp/libuv && make install DESTDIR=/stage", False),                    # staged elsewhere
    ("cd /tmp/libuv && LDFLAGS=-Wl,-rpath,/usr/local/lib ./configure && make install", False),
    ("cd /tmp/htslib && ./configure && make install && ldconfig", False),
])
def test_which_installs_are_library_installs(knowledge, run, flagged):
    text = f"FROM debian:bookworm\nRUN apt-get update && apt-get install -y build-essential\nRUN {run}\nCMD [\"bash\"]\n"
    assert [m[0] for m in mi495(knowledge, text)] == ([3] if flagged else [])


def test_musl_searches_usr_local_lib_itself(knowledge):
    text = "FROM alpine:3.20\nRUN apk add --no-cache build-base\nRUN cd /tmp/htslib && ./configure && make install\n"
    assert mi495(knowledge, text) == []


COPIED = ("FROM debian:bookworm AS build\nRUN cd /tmp/htslib && ./configure && make && make install{build}\n"
          "FROM {final}\nCOPY --from=build {src} {dest}\n{after}CMD [\"tabix\"]\n")


def test_a_copy_of_usr_local_lib_into_the_final_image_needs_its_own_ldconfig(knowledge):
    """The build stage's cache does not travel with the files: an ldconfig there does not help the final image."""
    text = COPIED.format(build=" && ldconfig", final="debian:bookworm-slim", src="/usr/local/lib/",
                         dest="/usr/local/lib/", after="")
    [(line, _sev, message, _fix)] = mi495(knowledge, text)
    assert line == 4 and "installs htslib into /usr/local/lib of debian:bookworm-slim" in message
    assert mi495(knowledge, text.replace("CMD", "RUN ldconfig\nCMD")) == []
    assert [m[0] for m in mi495(knowledge, COPIED.format(build="", final="debian:bookworm-slim", src="/usr/local/",
                                                          dest="/usr/local/", after=""))] == [4]


def test_a_builder_whose_libraries_stay_behind_says_nothing(knowledge):
    text = COPIED.format(build="", final="debian:bookworm-slim", src="/usr/local/bin/tabix", dest="/usr/local/bin/",
                         after="")
    assert mi495(knowledge, text) == []
    text = COPIED.format(build="", final="alpine:3.20", src="/usr/local/lib/", dest="/usr/local/lib/", after="")
    assert mi495(knowledge, text) == []


def test_on_the_rhel_family_the_fix_also_lists_usr_local_lib_in_ld_so_conf(knowledge):
    text = "FROM rockylinux:9\nRUN cd /tmp/libgit2 && cmake -B build && cmake --build build && cmake --install build\n"
    [(_line, _sev, _msg, fix)] = mi495(knowledge, text)
    assert fix.startswith("list /usr/local/lib (and /usr/local/lib64) in /etc/ld.so.conf.d/local.conf")


def test_hostile_input_is_read_in_linear_time(knowledge):
    """A 60,000-character directory of library-named components and 10,000 installs in it, through lint (physical
    lines under the parser's 65,535-character cap, the file under its 1 MiB cap)."""
    n = 10_000
    deep = "/".join(["libx"] * 12_000)
    text = ("FROM debian:bookworm\n" + f"RUN cd /{deep} \\\n" + " && make install \\\n" * n
            + " && ./configure --prefix=/usr/local \\\n" * n + " && true\n")
    with within():
        found = mi495(knowledge, text)
    assert [m[0] for m in found] == [2]


def test_the_walk_looks_at_a_directory_once_however_often_it_installs_there():
    """A 2,000,000-character directory and 50,000 installs in it, given to the walk as commands: reading the whole
    path once per install (as it first did) is 10^11 steps and cannot end within the limit."""
    deep = "/" + "/".join(["libx"] * 400_000)
    walk = _Walk()
    with within():
        walk.commands([["cd", deep]] + [["make", "install"]] * 50_000, 7, "/", {})
    assert len(walk.open) == 50_000 and walk.open[0] == (7, "make install", "libx")


@pytest.mark.parametrize("run,flagged", [
    ("cd /tmp/libuv && prefix=/usr make install", False),            # make's own variable, from its environment
    ("cd /tmp/libuv && PREFIX=/opt/uv make install", False),
    ("cd /tmp/libuv && prefix=/usr/local make install", True),
    ("cd /tmp/libuv && ./configure --prefix=$INSTALL_ROOT && make install", False),  # a prefix lint cannot know
    ("cd /tmp/libuv && ./configure --libdir=/usr/local/lib64 && make install", False),  # not the directory
    ("cd /tmp/libuv && ./configure --libdir=$LIBDIR && make install", False),
])
def test_a_prefix_or_libdir_set_elsewhere_keeps_mi495_quiet(knowledge, run, flagged):
    text = f"FROM debian:bookworm\nRUN apt-get update && apt-get install -y build-essential\nRUN {run}\nCMD [\"bash\"]\n"
    assert [m[0] for m in mi495(knowledge, text)] == ([3] if flagged else [])


def test_the_message_names_the_step_shortened_and_a_boost_build_project_not_named_like_a_library(knowledge):
    text = "FROM debian:bookworm\nRUN cd /tmp/htslib && make -j4 V=1 install prefix=/usr/local\n"
    [(_line, _sev, message, _fix)] = mi495(knowledge, text)
    assert message.startswith("make -j4 V=1 install ... installs htslib into /usr/local/lib of debian:bookworm")
    text = "FROM debian:bookworm\nWORKDIR /src/app\nRUN ./b2 install\n"
    [(line, _sev, message, _fix)] = mi495(knowledge, text)
    assert line == 3 and message.startswith("./b2 install installs the Boost.Build project into /usr/local/lib")


def test_an_exec_form_install_counts_as_the_shell_form_does(knowledge):
    text = 'FROM debian:bookworm\nWORKDIR /tmp/htslib\nRUN ["make", "install"]\nCMD ["tabix"]\n'
    assert [m[0] for m in mi495(knowledge, text)] == [3]
    assert mi495(knowledge, text.replace("CMD", 'RUN ["ldconfig"]\nCMD')) == []


@pytest.mark.parametrize("build", [
    "ARG SRC=/tmp/htslib\nFROM debian:bookworm AS build\nARG SRC\nWORKDIR ${SRC}\nRUN ./configure && make install\n",
    "FROM debian:bookworm AS build\nENV SRC=/tmp/htslib\nWORKDIR $SRC\nRUN ./configure && make install\n",
    'FROM debian:bookworm AS build\nWORKDIR /tmp/htslib\nRUN ["make", "install"]\n',
])
def test_a_builder_installing_through_a_variable_or_an_exec_form_is_seen_when_its_lib_is_copied(knowledge, build):
    text = build + "FROM debian:bookworm-slim\nCOPY --from=build /usr/local/lib/ /usr/local/lib/\nCMD [\"tabix\"]\n"
    line = text.splitlines().index("COPY --from=build /usr/local/lib/ /usr/local/lib/") + 1
    [(found, _sev, message, _fix)] = mi495(knowledge, text)
    assert found == line and "installs htslib into /usr/local/lib of debian:bookworm-slim" in message


def test_each_run_starts_in_the_workdir_and_a_stage_keeps_its_bases(knowledge):
    # Docker starts every RUN in the WORKDIR: a cd ends with its RUN, so the install below runs in /app, a directory
    # not named like a library, and says nothing; a stage built FROM another keeps the other's WORKDIR
    base = ("FROM debian:bookworm-slim AS base\nRUN apt-get update && apt-get install -y build-essential\n"
            "WORKDIR {workdir}\nFROM base\nRUN cd /opt/libfoo-1.0 && ./configure\nRUN make install\nCMD [\"/app/x\"]\n")
    assert mi495(knowledge, base.format(workdir="/app")) == []
    [(line, severity, message, _fix)] = mi495(knowledge, base.format(workdir="/opt/libfoo-1.0"))
    assert (line, severity) == (6, "warning") and "libfoo-1.0" in message


MOSQUITTO = ("FROM ubuntu:16.04\nENV MOSQUITTOVERSION 1.4.15\n"
             "RUN apt-get update && apt-get install -y wget build-essential libssl-dev\n"
             "WORKDIR {where}\nRUN make {options}&& make install\nCMD [\"/usr/local/sbin/mosquitto\"]\n")


def test_a_listed_projects_source_archive_installs_its_libraries(knowledge):
    """A source directory named after a project whose default install adds shared libraries (native_packages
    `source`) is a library install though its name is not a library's (AnsgarSchmidt/Mosquitto#4)."""
    [(line, severity, message, _)] = mi495(knowledge, MOSQUITTO.format(
        where="/usr/local/src/mosquitto-$MOSQUITTOVERSION", options=""))
    assert (line, severity) == (5, "warning")
    assert message.startswith("make install installs mosquitto's libmosquitto.so.1, libmosquittopp.so.1 into "
                              "/usr/local/lib of ubuntu:16.04 and nothing after it runs ldconfig")


@pytest.mark.parametrize("where,options", [
    ("/usr/local/src/mosquitto-auth-plug", ""),   # another project that starts with a listed name
    ("/usr/local/src/mosquittox", ""),
    ("/usr/local/src/mosquitto-1.4.15", "WITH_SHARED_LIBRARIES=no --disable-shared "),  # static only
    ("/usr/local/src/redis-7.2.4", ""),           # not listed: its install adds programs only
])
def test_other_directories_and_static_builds_of_listed_projects_stay_quiet(knowledge, where, options):
    assert mi495(knowledge, MOSQUITTO.format(where=where, options=options)) == []


@pytest.mark.parametrize("where", ["/opt/hiredis-1.2.0", "/opt/hiredis", "/opt/paho.mqtt.c", "/opt/curl-v8.5.0",
                                   "/opt/sqlite-autoconf-3450000", "/opt/mosquitto-x"])
def test_listed_projects_are_known_by_their_directory(where):
    walk = _Walk({"hiredis": {"libs": ["libhiredis.so"]}, "paho.mqtt.c": {"libs": ["libpaho-mqtt3c.so.1"]},
                  "curl": {"libs": ["libcurl.so.4"]}, "sqlite-autoconf": {"libs": ["libsqlite3.so.0"]},
                  "mosquitto": {"libs": ["libmosquitto.so.1"]}})
    walk.commands([["cd", where], ["make", "install"]], 3, "/", {})
    assert [(line, lib.split("'s ")[0]) for line, _, lib in walk.open] == \
        [(3, where.rsplit("/", 1)[1].split("-")[0] if "sqlite" not in where else "sqlite-autoconf")]

