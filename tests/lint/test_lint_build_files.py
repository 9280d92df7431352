"""A Home Assistant add-on's `FROM $BUILD_FROM` (kb/lint/buildargs.py): the image is the one its build file names,
so lint checks it instead of saying it cannot; without a usable build file it still says it cannot (MI414)."""
from __future__ import annotations

import os

import pytest

from kb.lint import lint_paths

# owserver's add-on as it was before its fix (lrybak/hassio-owserver#5): libgcc deleted with the build group
ADDON = """ARG BUILD_FROM
FROM ${BUILD_FROM}
RUN apk add --no-cache --virtual .build-deps build-base git libgcc \\
 && git clone --depth 1 https://github.com/owfs/owfs /src && cd /src \\
 && ./bootstrap && ./configure --prefix=/opt/owfs && make && make install \\
 && cd / && rm -rf /src && apk del .build-deps
CMD ["/opt/owfs/bin/owserver", "--foreground"]
"""
BUILD_YAML = """build_from:
  aarch64: ghcr.io/hassio-addons/base/aarch64:14.3.2
  amd64: ghcr.io/hassio-addons/base/amd64:14.3.2
"""


def lint(knowledge, directory, context=None) -> list[tuple[int, str, str]]:
    [res] = lint_paths(knowledge, [str(directory / "Dockerfile")], context=context)
    assert res.error is None, res.error
    return [(f.line, f.rule, f.message) for f in res.findings]


def addon(tmp_path, build_file: str | None = "build.yaml", text: str = BUILD_YAML, dockerfile: str = ADDON):
    (tmp_path / "Dockerfile").write_text(dockerfile)
    if build_file:
        (tmp_path / build_file).write_text(text)
    return tmp_path


def test_the_build_file_names_the_image_and_lint_checks_it(knowledge, tmp_path):
    found = lint(knowledge, addon(tmp_path))
    assert [r for _l, r, _m in found] == ["MI440"]
    assert found[0][2].startswith("libgcc_s (libgcc): deleted with the build dependencies")
    assert "libgcc_s.so" in found[0][2]


def test_without_a_build_file_the_image_is_one_lint_cannot_check(knowledge, tmp_path):
    found = lint(knowledge, addon(tmp_path, None))
    assert [r for _l, r, _m in found] == ["MI414"] and "$" in found[0][2]


def test_build_json_and_the_amd64_image_among_several(knowledge, tmp_path):
    text = ('{"build_from": {"armv7": "ghcr.io/home-assistant/armv7-base-debian:bookworm",'
            ' "amd64": "ghcr.io/hassio-addons/base:14.3.2"}}')
    found = lint(knowledge, addon(tmp_path, "build.json", text))
    assert [r for _l, r, _m in found] == ["MI440"]


def test_args_of_the_build_file_fill_other_open_arguments(knowledge, tmp_path):
    dockerfile = ADDON.replace("ARG BUILD_FROM\nFROM ${BUILD_FROM}", "ARG BASE\nFROM ${BASE}")
    text = "args:\n  BASE: ghcr.io/home-assistant/amd64-base-debian:bookworm\n"
    found = lint(knowledge, addon(tmp_path, "build.yaml", text, dockerfile))
    assert "MI414" not in [r for _l, r, _m in found]


@pytest.mark.parametrize("text", ["build_from: [unclosed", "- a list\n- not a mapping\n", "build_from: {amd64: 3}\n",
                                  "\x00binary"])
def test_a_build_file_lint_cannot_use_changes_nothing(knowledge, tmp_path, text):
    found = lint(knowledge, addon(tmp_path, "build.yaml", text))
    assert [r for _l, r, _m in found] == ["MI414"]


def test_a_build_file_that_links_out_of_the_context_is_not_read(knowledge, tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text(BUILD_YAML)
    ctx = tmp_path / "addon"
    ctx.mkdir()
    (ctx / "Dockerfile").write_text(ADDON)
    os.symlink(outside, ctx / "build.yaml")
    assert [r for _l, r, _m in lint(knowledge, ctx)] == ["MI414"]


def test_a_fifo_build_file_does_not_hang(knowledge, tmp_path):
    (tmp_path / "Dockerfile").write_text(ADDON)
    os.mkfifo(tmp_path / "build.yaml")
    assert [r for _l, r, _m in lint(knowledge, tmp_path)] == ["MI414"]


def test_the_build_file_beside_the_dockerfile_counts_when_the_context_is_elsewhere(knowledge, tmp_path):
    (tmp_path / "addon").mkdir()
    addon_dir = addon(tmp_path / "addon")
    found = lint(knowledge, addon_dir, context=str(tmp_path))
    assert [r for _l, r, _m in found] == ["MI440"]


def test_a_default_the_dockerfile_gives_is_kept(knowledge, tmp_path):
    dockerfile = ADDON.replace("ARG BUILD_FROM\n", "ARG BUILD_FROM=alpine:3.18\n")
    found = lint(knowledge, addon(tmp_path, "build.yaml", "build_from:\n  amd64: debian:bookworm-slim\n", dockerfile))
    assert [r for _l, r, _m in found] == ["MI440"]  # alpine's apk del: the file's own default is what lint reads


def test_a_huge_build_file_is_read_up_to_its_cap(knowledge, tmp_path):
    text = BUILD_YAML + "labels:\n" + "".join(f"  l{i}: {'x' * 60}\n" for i in range(40_000))  # about 2.7 MB
    found = lint(knowledge, addon(tmp_path, "build.yaml", text))
    assert [r for _l, r, _m in found] == ["MI440"]  # build_from comes first: the cut tail is not needed


def test_an_alias_bomb_in_the_build_file_is_refused_not_expanded(knowledge, tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8))
    found = lint(knowledge, addon(tmp_path, "build.yaml", bomb + BUILD_YAML))
    assert [r for _l, r, _m in found] == ["MI414"]
