"""An image the build context builds itself, named by a docker build --tag in a comment of one of its Dockerfiles or
in a CI workflow (alicevision/CCTag's Dockerfile_deps), with the tag's ${VAR} parts matching anything: MI495 reads its
C library from that Dockerfile's FROM, and the stages FROM it start with what that Dockerfile's walk installed."""
from __future__ import annotations

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report

APP = """\
ARG OS_TAG=22.04
FROM example/app-deps:ubuntu${OS_TAG}
COPY . /src/app
WORKDIR /src/app/build
RUN cmake .. -DBUILD_SHARED_LIBS=ON && make install
"""


def findings(knowledge, text: str, rule: str, context: str) -> list:
    return [f for f in lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile"), context_dir=context)
            if f.rule == rule]


def _context(tmp_path, deps: str) -> str:
    (tmp_path / "Dockerfile_deps").write_text(deps)
    (tmp_path / "CMakeLists.txt").write_text("project(app)\n")
    return str(tmp_path)


DEPS = ("ARG OS_TAG=22.04\nFROM {base}:${{OS_TAG}}\n"
        "# docker build --tag example/app-deps:ubuntu${{OS_TAG}} -f Dockerfile_deps .\n{after}")


def test_a_shared_install_on_the_image_a_comment_builds_needs_ldconfig(knowledge, tmp_path):
    [f] = findings(knowledge, APP, "MI495", _context(tmp_path, DEPS.format(base="ubuntu", after="")))
    assert (f.severity, f.line) == ("warning", 5)
    assert f.message.startswith("make install installs app into /usr/local/lib of example/app-deps:ubuntu22.04 "
                                "(Dockerfile_deps builds it by the docker build in its comment, FROM ubuntu:22.04)")


def test_the_base_images_dockerfile_is_walked_first(knowledge, tmp_path):
    # LD_LIBRARY_PATH set by the Dockerfile that builds the image: the loader is told; alpine: no cache needed
    after = "ENV LD_LIBRARY_PATH=/usr/local/lib\n"
    assert findings(knowledge, APP, "MI495", _context(tmp_path, DEPS.format(base="ubuntu", after=after))) == []
    assert findings(knowledge, APP, "MI495", _context(tmp_path, DEPS.format(base="alpine", after=""))) == []


def test_a_comment_that_tags_another_image_names_nothing(knowledge, tmp_path):
    deps = DEPS.format(base="ubuntu", after="").replace("example/app-deps:ubuntu", "example/app-deps:debian")
    assert findings(knowledge, APP, "MI495", _context(tmp_path, deps)) == []
