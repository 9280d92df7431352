"""MI496 for shared libraries installed under a prefix of their own (b2 install --prefix=/opt: Boost in /opt/lib) and
linked by a later build in the same image, and for an image the build context builds itself (a docker build --tag in
a comment of its Dockerfile or in a CI workflow), whose Dockerfile's installs and ENV the stages FROM it inherit
(alicevision/CCTag#175: "libboost_chrono.so.1.70.0: cannot open shared object file"). Each test is a small
Dockerfile of our own, not the corpus file."""
from __future__ import annotations

import pytest

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report

from tests.bounded import within


def findings(knowledge, text: str, rule: str, context: str | None = None) -> list:
    report = lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile"), context_dir=context)
    return [f for f in report if f.rule == rule]


def _context(tmp_path, files: dict) -> str:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return str(tmp_path)


APP = """\
ARG CUDA_TAG=10.2
ARG OS_TAG=18.04
FROM example/app-deps:cuda${CUDA_TAG}-ubuntu${OS_TAG}
COPY . /opt/app
WORKDIR /opt/app/build
RUN cmake .. -DBUILD_SHARED_LIBS:BOOL=ON -DCMAKE_PREFIX_PATH:PATH=/opt/ && make install -j$(nproc)
"""
DEPS = """\
ARG CUDA_TAG=10.2
ARG OS_TAG=18.04
FROM nvidia/cuda:${{CUDA_TAG}}-devel-ubuntu${{OS_TAG}}
# docker build --build-arg CUDA_TAG=8.0 --tag example/app-deps:cuda${{CUDA_TAG}}-ubuntu${{OS_TAG}} -f Dockerfile_deps .
ENV DEPS_INSTALL_PATH="/opt"
WORKDIR /tmp/boost
RUN wget https://example.org/boost_1_70_0.tar.gz && tar xzf boost_1_70_0.tar.gz && cd boost_1_70_0 && \\
    ./bootstrap.sh --with-libraries=chrono,timer --prefix="${{DEPS_INSTALL_PATH}}" && \\
    ./b2 {link} install && cd /opt && rm -rf /tmp/boost
{after}"""


def _deps(tmp_path, link: str = "link=shared", after: str = "", prefix: str | None = None) -> str:
    text = DEPS.format(link=link, after=after)
    if prefix is not None:
        text = text.replace('DEPS_INSTALL_PATH="/opt"', f'DEPS_INSTALL_PATH="{prefix}"')
    return _context(tmp_path, {"Dockerfile_deps": text, "CMakeLists.txt": "project(app)\n"})


def test_boost_in_opt_lib_of_the_image_a_comment_builds_is_a_warning_naming_boost_the_directory_and_the_fix(
        knowledge, tmp_path):
    [f] = findings(knowledge, APP, "MI496", _deps(tmp_path))
    assert (f.severity, f.line) == ("warning", 3)
    assert f.message.startswith(
        "FROM example/app-deps:cuda10.2-ubuntu18.04 (Dockerfile_deps builds it by the docker build in its comment) "
        "brings the shared libraries that line 7 of Dockerfile_deps installs (Boost) into /opt/lib (its prefix's lib "
        "directory; line 6's -DCMAKE_PREFIX_PATH:PATH=/opt/ links a program against them, without an rpath to it), "
        "a directory the loader of example/app-deps:cuda10.2-ubuntu18.04 does not search"), f.message
    assert "cannot open shared object file" in f.message
    assert "LD_LIBRARY_PATH=/opt/lib" in f.fix and "/etc/ld.so.conf.d/" in f.fix and "ldconfig" in f.fix
    assert "/usr/local" in f.fix


@pytest.mark.parametrize("app_after, link, after, prefix", [
    ("ENV LD_LIBRARY_PATH=/opt/lib\n", "link=shared", "", None),  # the derived image tells the loader
    ("", "link=shared", "ENV LD_LIBRARY_PATH=/opt/lib\n", None),  # the base image does
    ("", "link=shared", "RUN echo /opt/lib > /etc/ld.so.conf.d/opt.conf && ldconfig\n", None),
    ("", "link=static", "", None),  # nothing shared to find
    ("", "link=shared", "", "/usr"),  # a trusted directory
])
def test_the_correct_forms_stay_quiet(knowledge, tmp_path, app_after, link, after, prefix):
    text = APP.replace("COPY . /opt/app\n", app_after + "COPY . /opt/app\n")
    assert findings(knowledge, text, "MI496", _deps(tmp_path, link, after, prefix)) == []


def test_without_the_docker_build_naming_the_image_nothing_is_inherited(knowledge, tmp_path):
    ctx = _deps(tmp_path)
    deps = tmp_path / "Dockerfile_deps"
    deps.write_text(deps.read_text().replace("--tag example/app-deps", "--tag example/other-deps"))
    assert findings(knowledge, APP, "MI496", ctx) == []


def test_a_tag_whose_literal_parts_differ_names_another_image(knowledge, tmp_path):
    ctx = _deps(tmp_path)
    deps = tmp_path / "Dockerfile_deps"
    deps.write_text(deps.read_text().replace("--tag example/app-deps:cuda${CUDA_TAG}", "--tag example/app-deps:cpu"))
    assert findings(knowledge, APP, "MI496", ctx) == []


def _deps_named_elsewhere(tmp_path):
    """The context with Dockerfile_deps whose comment no longer builds the image: a workflow must name it."""
    ctx = _deps(tmp_path)
    deps = tmp_path / "Dockerfile_deps"
    deps.write_text(deps.read_text().replace("# docker build", "# see the workflow; was: build"))
    return ctx


def test_a_workflow_run_step_names_the_image(knowledge, tmp_path):
    ctx = _deps_named_elsewhere(tmp_path)
    assert findings(knowledge, APP, "MI496", ctx) == []
    _context(tmp_path, {".github/workflows/deps.yml": (
        "on: push\njobs:\n  deps:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
        "      - run: |\n          docker build \\\n            --build-arg CUDA_TAG=${{ matrix.cuda }} \\\n"
        "            -t example/app-deps:cuda${{ matrix.cuda }}-ubuntu${{ matrix.os }} \\\n"
        "            -f Dockerfile_deps .\n")})
    [f] = findings(knowledge, APP, "MI496", ctx)
    assert "(.github/workflows/deps.yml builds it from Dockerfile_deps)" in f.message


def test_a_build_push_action_step_names_the_image(knowledge, tmp_path):
    ctx = _deps_named_elsewhere(tmp_path)
    _context(tmp_path, {".github/workflows/deps.yml": (
        "on: push\njobs:\n  deps:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: docker/build-push-action@v5\n        with:\n          context: .\n"
        "          file: Dockerfile_deps\n          tags: |\n            example/app-deps:latest\n"
        "            example/app-deps:cuda${{ env.CUDA }}-ubuntu${{ env.OS }}\n")})
    [f] = findings(knowledge, APP, "MI496", ctx)
    assert (f.line, f.severity) == (3, "warning")


# ---- the same mechanism within one Dockerfile ----------------------------------------------------------------------

ONE = """\
FROM debian:bookworm
RUN apt-get update && apt-get install -y build-essential cmake
COPY . /src
RUN cd /src/libfoo && {install}
RUN {link}
CMD ["app"]
"""


@pytest.mark.parametrize("install, link, flagged", [
    ("./configure --prefix=/opt/foo && make && make install", "gcc -o /usr/local/bin/app /src/main.c -L/opt/foo/lib -lfoo",
     True),
    ("cmake -B b -DBUILD_SHARED_LIBS=ON -DCMAKE_INSTALL_PREFIX=/opt && cmake --build b && cmake --install b",
     "cd /src/app && cmake -B b -DCMAKE_PREFIX_PATH=/opt && cmake --build b && cmake --install b", True),
    ("cmake -B b -DBUILD_SHARED_LIBS=ON -DCMAKE_INSTALL_PREFIX=/opt && cmake --build b && cmake --install b",
     "cd /src/app && cmake -B b -DBOOST_ROOT=/opt -DLIBFOO_ROOT=/opt && make install", True),
    # a build run from its build tree keeps CMake's RUNPATH to what it links directly: no install, no finding
    ("cmake -B b -DBUILD_SHARED_LIBS=ON -DCMAKE_INSTALL_PREFIX=/opt && cmake --build b && cmake --install b",
     "cd /src/app && cmake -B b -DCMAKE_PREFIX_PATH=/opt && cmake --build b", False),
    # nothing links them; linked with an rpath; installed where the loader looks
    ("./configure --prefix=/opt/foo && make && make install", "true", False),
    ("./configure --prefix=/opt/foo && make && make install",
     "gcc -o /usr/local/bin/app /src/main.c -L/opt/foo/lib -Wl,-rpath,/opt/foo/lib -lfoo", False),
    ("./configure --prefix=/usr && make && make install", "gcc -o /usr/local/bin/app /src/main.c -L/usr/lib -lfoo",
     False),
    ("./configure --prefix=/opt/foo --disable-shared && make && make install",
     "gcc -o /usr/local/bin/app /src/main.c -L/opt/foo/lib -lfoo", False),
])
def test_a_library_under_its_own_prefix_linked_in_the_same_image(knowledge, install, link, flagged):
    got = findings(knowledge, ONE.format(install=install, link=link), "MI496")
    assert [(f.line, f.severity) for f in got] == ([(4, "warning")] if flagged else []), got
    if flagged:
        assert got[0].message.startswith("This image brings the shared libraries that line 4 installs (libfoo)")


def test_a_copy_of_the_libraries_into_a_trusted_directory_or_ld_so_conf_stays_quiet(knowledge):
    base = ONE.format(install="./configure --prefix=/opt/foo && make && make install",
                      link="gcc -o /usr/local/bin/app /src/main.c -L/opt/foo/lib -lfoo")
    for fix in ("RUN cp -a /opt/foo/lib/. /usr/lib/\n", "RUN echo /opt/foo/lib > /etc/ld.so.conf.d/foo.conf && ldconfig\n",
                "ENV LD_LIBRARY_PATH=/opt/foo/lib\n"):
        assert findings(knowledge, base.replace("CMD", fix + "CMD"), "MI496") == [], fix


# ---- the pieces, and hostile input -----------------------------------------------------------------------------

def test_tags_and_references_meet_as_patterns():
    from kb.lint.contextimages import _meet, _pattern, _same_image

    assert _pattern("Example/App-Deps:cuda${CUDA_TAG}-ubuntu$OS_TAG") == "example/app-deps:cuda*-ubuntu*"
    assert _pattern("docker.io/example/x:${{ matrix.tag }}") == "example/x:*"
    assert _same_image("example/app-deps:cuda${CUDA_TAG}-ubuntu${OS_TAG}", "example/app-deps:cuda10.2-ubuntu18.04")
    assert _same_image("example/app-deps:${T}", "example/app-deps:*-gpu")
    assert not _same_image("example/app-deps:cpu-${T}", "example/app-deps:gpu")
    assert not _same_image("example/other:${T}", "example/app-deps:gpu")
    assert _same_image("example/app-deps", "example/app-deps:latest")
    assert _meet("a*b", "c*") is False and _meet("a*c", "ab*") is True and _meet("a*b*c", "*x*") is True


def test_link_directories_a_build_names():
    from kb.lint.linkdirs import linked_dirs

    got = linked_dirs(["cmake", "..", "-DCMAKE_PREFIX_PATH:PATH=/opt/;$DEPS/x", "-DBOOST_ROOT=/usr/local/boost",
                       "LDFLAGS=-L/a/lib -lz", "-Wl,-L/b/lib", "--with-ssl=/opt/ssl", "-DBoost_LIBRARYDIR=/c"],
                      {"DEPS": "/deps"})
    assert [(d, k) for d, k, _w in got] == [("/opt/lib", "cmake"), ("/deps/x/lib", "cmake"),
                                           ("/usr/local/boost/lib", "cmake"), ("/a/lib", "ld"), ("/b/lib", "ld"),
                                           ("/opt/ssl/lib", "ld"), ("/c", "cmake")]


def test_hostile_input_is_read_in_linear_time(knowledge, tmp_path):
    from kb.lint.contextimages import _dockerfiles, _logical_lines, _meet
    from kb.lint.linkdirs import linked_dirs

    n = 200_000
    with within(20):
        assert _meet("*a" * 128, "a*" * 127 + "b") is False
        assert len(_logical_lines("x \\\n" * n)) == 1
        assert _dockerfiles("# docker build --tag a/b:${X} " * 2000 + "\n", "a/b", "a/b:c") == []
        assert len(linked_dirs(["-L/x"] * n, {})) == n
    # 2,000 installs under /opt and 2,000 links of it, in the derived image and its base
    ctx = _deps(tmp_path, after="RUN " + " && \\\n ".join(["cd /src/libx && make install PREFIX=/opt"] * 2000) + "\n")
    text = APP + "RUN " + " && \\\n ".join(["gcc -o /a /a.c -L/opt/lib -lx"] * 2000) + "\n"
    with within(20):
        got = findings(knowledge, text, "MI496", ctx)
    assert 1 <= len(got) <= 3


def test_many_long_tags_cost_a_bounded_number_of_comparisons():
    from kb.lint.contextimages import _dockerfiles

    ref = "a/b:" + "x" * 250
    lines = "".join(f"docker build -t a/b:{i}{'*' * 120}{'x' * 120}y -f F .\n" for i in range(5000))
    with within(20):
        assert _dockerfiles(lines, "a/b", ref) == []
