"""What a RUN hides (issue 9, kb/lint/hidden.py, kb/lint/conda.py): the scripts it runs from the build context, the
package lists it reads from files, conda installs, and COPY paths that name a Node package. Each test says what a
user sees (the rule and line lint reports), with the context and without it."""
from __future__ import annotations

import os

import pytest

from kb.lint.hidden import MAX_DEPTH, reveal

from tests.bounded import within
from tests.lint.context_files import lint_with_files

N = 50_000

#: a script that builds against Boost's -dev packages, then purges them with their dependencies (p4lang/p4c's way)
BUILD_SH = """#!/bin/bash
set -e
DEPS="cmake g++ make libboost-iostreams-dev"
sudo apt-get update
sudo apt-get install -y --no-install-recommends ${DEPS}
cmake -B build . && cmake --build build && cmake --install build
sudo apt-get purge -y ${DEPS}
sudo apt-get autoremove --purge -y
"""
KEEPS_SH = BUILD_SH + "apt-get install -y --no-install-recommends libboost-iostreams1.83.0\n"


def found(knowledge, text, files=None, tmp_path=None, ignore=("MI414", "MI411")):
    with within():
        return sorted((f.rule, f.line) for f in lint_with_files(knowledge, text, files, tmp_path, ignore=ignore))


# ---- scripts a RUN runs ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("run", ["/src/tools/build.sh", "bash /src/tools/build.sh", "cd /src && ./tools/build.sh",
                                 "cd /src && sh -e tools/build.sh", "cd /src/tools && . ./build.sh",
                                 "cd /src && env CI=1 bash -x -- tools/build.sh", "sh -c '/src/tools/build.sh'",
                                 "cd /src && sh -c './tools/build.sh'", "cd /src && bash -ec 'cd tools && ./build.sh'",
                                 "cd -P /src && ./tools/build.sh", "cd -- /src/tools && ./build.sh"])
def test_a_script_run_from_the_context_is_read_as_part_of_the_run(knowledge, tmp_path, run):
    text = f"FROM ubuntu:24.04\nCOPY . /src/\nRUN {run}\nCMD [\"/usr/local/bin/app\"]\n"
    assert ("MI440", 3) in found(knowledge, text, {"tools/build.sh": BUILD_SH}, tmp_path)
    assert ("MI440", 3) not in found(knowledge, text)  # without the context: nothing new
    assert ("MI440", 3) not in found(knowledge, text, {"tools/build.sh": KEEPS_SH}, tmp_path / "keeps")


def test_a_script_copied_on_its_own_is_found_where_the_copy_put_it(knowledge, tmp_path):
    for copy, run in (("COPY tools/build.sh /build.sh", "/build.sh"),
                      ("COPY tools/build.sh /usr/local/bin/", "/usr/local/bin/build.sh"),
                      ("COPY tools/build.sh tools/other.sh /opt/", "bash /opt/build.sh")):
        text = f"FROM debian:bookworm-slim\n{copy}\nRUN {run}\n"
        assert found(knowledge, text, {"tools/build.sh": BUILD_SH, "tools/other.sh": "true\n"}, tmp_path) == \
            [("MI440", 3)], copy


@pytest.mark.parametrize("mount, path", [("type=bind,source=tools,target=/mnt/tools", "/mnt/tools/build.sh"),
                                         ("type=bind,src=tools,dst=/mnt/tools", "/mnt/tools/build.sh"),
                                         ("source=tools,destination=/mnt/tools", "/mnt/tools/build.sh"),
                                         ("type=bind,target=/mnt", "/mnt/tools/build.sh"),  # the whole context
                                         ("target=/mnt", "/mnt/tools/build.sh")])
def test_a_script_in_a_bind_mount_of_the_context_is_read(knowledge, tmp_path, mount, path):
    text = f"FROM debian:bookworm-slim\nRUN --mount={mount} --mount=type=cache,target=/var/cache/apt bash {path}\n"
    assert found(knowledge, text, {"tools/build.sh": BUILD_SH}, tmp_path) == [("MI440", 2)]


def test_a_script_in_another_stages_bind_mount_is_not_read(knowledge, tmp_path):
    text = ("FROM debian:bookworm-slim\n"
            "RUN --mount=type=bind,source=tools,target=/mnt/tools --mount=type=cache,target=/var/cache/apt "
            "bash /mnt/tools/build.sh\n")
    other = text.replace("type=bind,source=tools", "type=bind,from=builder,source=/tools")  # another stage's files
    assert found(knowledge, "FROM debian:bookworm-slim AS builder\n" + other, {"tools/build.sh": BUILD_SH},
                 tmp_path) == []


@pytest.mark.parametrize("run", ["$TOOLS/build.sh", "bash ${TOOLS}/build.sh", ". $TOOLS/build.sh"])
def test_a_script_named_through_a_variable_is_read(knowledge, tmp_path, run):
    text = f"FROM debian:bookworm-slim\nCOPY . /src/\nENV TOOLS=/src/tools\nRUN {run}\n"
    assert found(knowledge, text, {"tools/build.sh": BUILD_SH}, tmp_path) == [("MI440", 4)]
    text = f"FROM debian:bookworm-slim\nCOPY . /src/\nRUN {run}\n"  # TOOLS unset: lint cannot tell which file
    assert found(knowledge, text, {"tools/build.sh": BUILD_SH}, tmp_path) == []


@pytest.mark.parametrize("run", ["dos2unix /src/tools/build.sh", "cat /src/tools/build.sh",
                                 "chmod +x /src/tools/build.sh && cp /src/tools/build.sh /usr/local/bin/",
                                 "sed -i 's/sudo //' /src/tools/build.sh"])
def test_a_command_that_names_a_script_without_running_it_does_not_run_it(knowledge, tmp_path, run):
    text = f"FROM debian:bookworm-slim\nCOPY . /src/\nRUN {run}\n"
    assert found(knowledge, text, {"tools/build.sh": BUILD_SH}, tmp_path) == []


@pytest.mark.parametrize("run", ["sh -c", "bash -ec", "sh -c && /src/tools/build.sh"])
def test_a_shell_option_c_without_its_string_is_not_a_command(knowledge, tmp_path, run):
    """`sh -c` with nothing after it is an error of the shell's, not a command line to read (and no crash)."""
    text = f"FROM debian:bookworm-slim\nCOPY . /src/\nRUN {run}\n"
    expected = [("MI440", 3)] if "build.sh" in run else []
    assert found(knowledge, text, {"tools/build.sh": BUILD_SH}, tmp_path) == expected


def test_a_cd_option_is_not_the_directory(knowledge, tmp_path):
    """`cd -P .` stays where WORKDIR is: the script is looked up there, not in a directory named -P."""
    text = "FROM debian:bookworm-slim\nWORKDIR /src\nCOPY . .\nRUN cd -P . && ./tools/build.sh\n"
    assert found(knowledge, text, {"tools/build.sh": BUILD_SH}, tmp_path) == [("MI440", 4)]


def test_a_script_that_is_not_a_shell_script_is_not_read(knowledge, tmp_path):
    text = "FROM debian:bookworm-slim\nCOPY . /src\nRUN /src/build.sh\n"
    assert found(knowledge, text, {"build.sh": BUILD_SH.replace("#!/bin/bash", "#!/usr/bin/env python3")},
                 tmp_path) == []
    assert found(knowledge, text, {"build.sh": BUILD_SH.replace("#!/bin/bash", "#!/usr/bin/env bash")},
                 tmp_path / "env") == [("MI440", 3)]


def test_build_machinery_scripts_are_not_read_as_steps(knowledge, tmp_path):
    """./configure is autotools' probe script (C_BUILD_TOOLS counts it as a compile); gradlew runs a JVM build."""
    text = "FROM debian:bookworm-slim\nWORKDIR /w\nCOPY . .\nRUN ./configure && ./gradlew build\n"
    assert found(knowledge, text, {"configure": BUILD_SH, "gradlew": BUILD_SH}, tmp_path) == []
    assert found(knowledge, text.replace("./configure", "./build.sh"), {"build.sh": BUILD_SH}, tmp_path / "b") == \
        [("MI440", 4)]


def test_scripts_that_run_each_other_end(knowledge, tmp_path):
    files = {"a.sh": "./b.sh\n./a.sh\n" + BUILD_SH, "b.sh": "./a.sh\n. ./b.sh\n"}
    assert found(knowledge, "FROM debian:bookworm-slim\nWORKDIR /w\nCOPY . .\nRUN ./a.sh\n", files, tmp_path) == \
        [("MI440", 4)]
    chain = {f"s{i}.sh": f"./s{i + 1}.sh\n" for i in range(MAX_DEPTH + 3)}
    chain[f"s{MAX_DEPTH + 3}.sh"] = BUILD_SH
    text = "FROM debian:bookworm-slim\nWORKDIR /w\nCOPY . .\nRUN ./s0.sh\n"
    assert found(knowledge, text, chain, tmp_path / "deep") == []  # deeper than MAX_DEPTH: not followed


def test_scripts_outside_the_context_or_special_are_not_opened(knowledge, tmp_path):
    ctx = tmp_path / "ctx"
    (ctx / "tools").mkdir(parents=True)
    (tmp_path / "outside.sh").write_text(BUILD_SH)
    os.symlink(tmp_path / "outside.sh", ctx / "tools" / "build.sh")
    os.mkfifo(ctx / "tools" / "fifo.sh")
    os.mkfifo(ctx / "deps.txt")
    text = ("FROM debian:bookworm-slim\nCOPY . /src/\nRUN /src/tools/build.sh\nRUN /src/tools/fifo.sh\n"
            "RUN bash /src/../outside.sh\nRUN apt-get install -y $(cat /src/deps.txt)\n")
    assert found(knowledge, text, {}, ctx) == []


def test_a_script_is_read_once_and_bounded(knowledge, tmp_path):
    """a script that runs itself 20,000 times, and one of 50,000 of `$(cat` and `sudo -E`: linear, bounded."""
    files = {"a.sh": "./a.sh\n" * 20_000 + BUILD_SH, "b.sh": "echo $(cat " * N + "\n" + "sudo -E " * N + "\n"}
    text = "FROM debian:bookworm-slim\nWORKDIR /w\nCOPY . .\nRUN ./a.sh\nRUN ./b.sh\n"
    assert found(knowledge, text, files, tmp_path) == [("MI440", 4)]


def test_reveal_is_linear_on_hostile_run_lines(tmp_path):
    (tmp_path / "f").write_text("g++\n")
    with within():
        for hostile in ("$(cat " * N, "`cat " * N, "$(grep -v x " * N + ")", "cat f | xargs " * N,
                        "sh -c " * N, "sudo " + " -E" * N + " apt-get", "./x.sh | " * N, ". " * N,
                        "$(cat f) " * N, "(" * N + "$(cat f" + ")" * N):
            assert isinstance(reveal(str(tmp_path), [("/", ".")], hostile, "/", {}), str)
        assert reveal(str(tmp_path), [("/", ".")], "apt-get install $(cat /f) `cat f`", "/", {}) == \
            "apt-get install g++ g++"


# ---- package lists a RUN reads --------------------------------------------------------------------------------

LIST_RUNS = [
    "apt-get update && apt-get install -y $(cat /src/deps/build.deps) && make && "
    "apt-get purge -y --auto-remove $(cat /src/deps/build.deps)",
    "apt-get install -y $(cat /src/deps/*.deps) && make && apt-get remove -y `cat /src/deps/build.deps` && "
    "apt-get autoremove -y",
    "apt-get install -y $(grep -v '^#' /src/deps/build.deps) && make && "
    "apt-get purge -y --auto-remove $(grep -v '^#' /src/deps/build.deps)",
    "xargs apt-get install -y < /src/deps/build.deps && make && "
    "cat /src/deps/build.deps | xargs apt-get purge -y --auto-remove",
    "xargs -a /src/deps/build.deps apt-get install -y && make && "
    "apt-get purge -y --auto-remove $(< /src/deps/build.deps)",
    "xargs --arg-file /src/deps/build.deps apt-get install -y && make && "
    "xargs --arg-file=/src/deps/build.deps apt-get purge -y --auto-remove",
    "apt-get install -y $(cat /src/deps/build.deps | grep -v '^#' | tr '\\n' ' ') && make && "
    "apt-get purge -y --auto-remove $(sed -e 's/#.*//' /src/deps/build.deps)",
]


@pytest.mark.parametrize("run", LIST_RUNS)
def test_package_lists_read_from_files_are_the_packages(knowledge, tmp_path, run):
    text = f"FROM ubuntu:24.04\nCOPY . /src/\nRUN {run}\nCMD [\"/usr/local/bin/app\"]\n"
    files = {"deps/build.deps": "# build dependencies\ng++\nmake\nlibboost-regex-dev  # regex\n"}
    assert found(knowledge, text, files, tmp_path) == [("MI440", 3)]
    assert found(knowledge, text) == []  # without the context: nothing new
    files = {"deps/build.deps": "g++\nmake\n"}
    assert found(knowledge, text, files, tmp_path / "tools-only") == []


@pytest.mark.parametrize("folder", ["deps", "X11/deps", "ci/Xenial"])
def test_a_glob_names_the_lists_of_its_directory(knowledge, tmp_path, folder):
    text = (f"FROM ubuntu:24.04\nCOPY . /src/\nRUN apt-get install -y $(cat /src/{folder}/*.deps) && make && "
            f"apt-get purge -y --auto-remove $(cat /src/{folder}/*.deps)\n")
    files = {f"{folder}/build.deps": "g++\nmake\n", f"{folder}/libs.deps": "libboost-regex-dev\n"}
    assert found(knowledge, text, files, tmp_path) == [("MI440", 3)]
    text = text.replace(f"/src/{folder}/", "/src/*/")  # a glob in a directory's name: not followed
    assert found(knowledge, text, files, tmp_path / "dirglob") == []


def test_a_list_filtered_to_some_of_its_lines_is_not_read_as_all_of_them(knowledge, tmp_path):
    text = ("FROM ubuntu:24.04\nCOPY . /src/\nRUN apt-get install -y $(cat /src/deps | grep -E '^lib') && make && "
            "apt-get purge -y --auto-remove $(cat /src/deps | grep '^(g|m)')\n")
    assert found(knowledge, text, {"deps": "g++\nmake\nlibboost-regex-dev\n"}, tmp_path) == []


@pytest.mark.parametrize("install", ["apt-get install -y $(cat /tmp/runtime.deps)",
                                     "xargs --arg-file /tmp/runtime.deps apt-get install -y",
                                     "xargs --arg-file=/tmp/runtime.deps apt-get install -y",
                                     "xargs -a /tmp/runtime.deps apt-get install -y",
                                     "xargs -r apt-get install -y < /tmp/runtime.deps"])
def test_a_list_copied_to_a_file_is_read_for_the_final_image(knowledge, tmp_path, install):
    """what the list installs is what the final image has: libpq5 for the program the build links with -lpq."""
    text = ("FROM ubuntu:24.04 AS build\nRUN apt-get update && apt-get install -y g++ make libpq-dev\n"
            "COPY . /src\nRUN make -C /src\nFROM ubuntu:24.04\nCOPY runtime.deps /tmp/runtime.deps\n"
            f"RUN apt-get update && {install}\nCOPY --from=build /src/app /app\n")
    makefile = "app:\n\tcc -o app a.c -lpq\n"
    assert ("MI412", 8) in found(knowledge, text, {"runtime.deps": "tzdata\n", "Makefile": makefile}, tmp_path)
    assert ("MI412", 8) not in found(knowledge, text, {"runtime.deps": "libpq5\n", "Makefile": makefile},
                                     tmp_path / "ok")


# ---- conda ------------------------------------------------------------------------------------------------------

def test_conda_installs_are_read_with_their_environment_file(knowledge, tmp_path):
    text = ("FROM python:3.12-slim\nCOPY environment.yml /tmp/env.yml\n"
            "RUN micromamba install -y -n base -f /tmp/env.yml\nCMD [\"python\", \"app.py\"]\n")
    pip_opencv = "name: x\ndependencies:\n  - numpy  # comment\n  - pip\n  - pip:\n      - opencv-python==4.9.0.80\n"
    assert found(knowledge, text, {"environment.yml": pip_opencv}, tmp_path) == [("MI470", 3)]
    conda_opencv = "dependencies:\n  - conda-forge::opencv>=4\n"
    assert found(knowledge, text, {"environment.yml": conda_opencv}, tmp_path / "c") == [("MI470", 3)]
    assert found(knowledge, text, {"environment.yml": "dependencies:\n  - numpy\n"}, tmp_path / "n") == []
    text = "FROM python:3.12-slim\nRUN mamba install -y -c conda-forge 'libopencv=*=headless*' numpy\n"
    assert found(knowledge, text) == [("MI470", 2)]  # a conda name: what the table says of libopencv


def test_an_unknown_final_image_that_installs_packages_is_said(knowledge):
    text = "FROM example.org/ml/base:1\nRUN conda install -y py-opencv\n"
    assert found(knowledge, text, ignore=()) == [("MI414", 1), ("MI490", 2)]
    assert found(knowledge, "FROM example.org/ml/base:1\nRUN conda install -y numpy\n", ignore=()) == [("MI414", 1)]
    assert found(knowledge, "FROM example.org/ml/base:1\nCOPY notebooks /work\n", ignore=()) == []


# ---- COPY paths that name a package ----------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/app/node_modules/.prisma", "/app/node_modules/@prisma/client/",
                                  "/app/node_modules/prisma"])
def test_a_copied_node_modules_path_is_the_package(knowledge, path):
    text = (f"FROM node:22-alpine AS build\nWORKDIR /app\nCOPY . .\nRUN yarn install\nFROM node:22-alpine\n"
            f"COPY --from=build {path} {path}\nCMD [\"node\", \"server.js\"]\n")
    assert found(knowledge, text) == [("MI441", 6)]
    assert found(knowledge, text.replace("FROM node:22-alpine\n", "FROM node:22-alpine\nRUN apk add openssl\n")) == []
    assert found(knowledge, text.replace(path, "/app/node_modules/express")) == []


def test_a_build_and_its_compiler_flags_inside_a_script_count(knowledge, tmp_path):
    """the program a script compiles is the stage's: dynamic on glibc, it cannot run on scratch; -static can."""
    text = ("FROM gcc:14 AS build\nWORKDIR /src\nCOPY . .\nRUN sh ./ci/build.sh\n"
            "FROM scratch\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n")
    dynamic = {"ci/build.sh": "set -e\nmkdir -p /out\ngcc -O2 -o /out/app main.c\n"}
    assert [r for r, _line in found(knowledge, text, dynamic, tmp_path) if r == "MI401"] == ["MI401"]
    static = {"ci/build.sh": "set -e\nmkdir -p /out\ngcc -O2 -static -o /out/app main.c\n"}
    assert [r for r, _line in found(knowledge, text, static, tmp_path / "s") if r == "MI401"] == []
    assert [r for r, _line in found(knowledge, text) if r == "MI401"] == []  # no context: the build is not seen


#: cozy-stack's scripts/build.sh, cut down: the program's name is the function's argument ($1), unknown to lint
POSITIONAL_SH = """#!/usr/bin/env bash
do_build() {
\tBINARY="${1}"
\tgo build -ldflags "-X main.Version=dev" -o "${BINARY}"
}
case "${1}" in
\tdev) do_build cozy-stack ;;
esac
"""
POSITIONAL = """FROM golang:1.25-bookworm AS build
WORKDIR /app
COPY . .
RUN ./scripts/build.sh dev
FROM debian:bullseye-slim
COPY --from=build /app/cozy-stack /usr/bin/
ENTRYPOINT ["/usr/bin/cozy-stack"]
"""


def test_an_output_named_by_a_positional_parameter_is_any_file_of_its_directory(knowledge, tmp_path):
    """`go build -o "$1"` in a script: the output is some file of the working directory (as an unknown variable
    makes it), so the program copied from there is the cgo build on bookworm's glibc: MI404 on bullseye."""
    files = {"scripts/build.sh": POSITIONAL_SH, "go.mod": "module example.test/cozy\n\ngo 1.25\n"}
    assert ("MI404", 6) in found(knowledge, POSITIONAL, files, tmp_path)
    same = POSITIONAL.replace("debian:bullseye-slim", "debian:bookworm-slim")
    assert not [r for r, _ in found(knowledge, same, files, tmp_path) if r == "MI404"]
