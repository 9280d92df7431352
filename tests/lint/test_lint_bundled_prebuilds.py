"""MI404 for a prebuilt binary a Node addon carries for one platform only (`prebuilt_glibc` spans with an ARCH:
better-sqlite3 13.0.0-13.0.2's prebuilds/linux-arm64.node needs GLIBC_2.38, its linux-x64.node 2.34), said when the
Dockerfile (FROM --platform) or the CI workflow that builds it (`platforms:`, `--platform`) names that platform
(arr-mcp and Termix's arm64 images on node:24 bookworm, heldout26 and heldout27)."""
from __future__ import annotations

import json

import pytest

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report

DOCKERFILE = """FROM {platform}node:24-bookworm-slim
WORKDIR /app
COPY package*.json ./
RUN npm ci --omit=dev
{rebuild}CMD ["node", "server.js"]
"""
BUILD = ("jobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
         "      - {step}\n")


def mi404(knowledge, tmp_path, version="13.0.2", platform="", step=None, rebuild="") -> list:
    text = DOCKERFILE.format(platform=platform, rebuild=rebuild)
    (tmp_path / "Dockerfile").write_text(text)
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"better-sqlite3": "^13.0.0"}}))
    (tmp_path / "package-lock.json").write_text(json.dumps({"lockfileVersion": 3, "packages": {
        "": {"dependencies": {"better-sqlite3": "^13.0.0"}}, "node_modules/better-sqlite3": {"version": version}}}))
    if step:
        (tmp_path / ".github" / "workflows").mkdir(parents=True)
        (tmp_path / ".github" / "workflows" / "release.yml").write_text(BUILD.format(step=step))
    report = lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile"), context_dir=str(tmp_path))
    return [f for f in report if f.rule == "MI404"]


@pytest.mark.parametrize("platform, step", [
    ("", "uses: docker/build-push-action@v6\n        with:\n          platforms: linux/amd64,linux/arm64"),
    ("", "uses: useblacksmith/build-push-action@v2\n        with:\n          file: ./Dockerfile\n"
         "          platforms: linux/amd64,linux/arm64"),
    ("", "run: docker buildx build --platform linux/arm64 -t app ."),
    ("--platform=linux/arm64 ", None),
])
def test_the_arm64_prebuild_needs_glibc_2_38(knowledge, tmp_path, platform, step):
    [f] = mi404(knowledge, tmp_path, platform=platform, step=step)
    assert (f.severity, f.line) == ("error", 4)
    assert f.message.startswith("the prebuilt linux-arm64 binary better-sqlite3 13.0.2 carries, which npm installs "
                                "here and which it loads before anything compiled (needs GLIBC_2.38)")
    assert "but runs on node:24-bookworm-slim (debian12, glibc 2.36)" in f.message
    assert f.message.endswith("; the image is built for linux/arm64")
    assert "a build from source does not help" in f.fix


@pytest.mark.parametrize("change", [
    {"step": "uses: docker/build-push-action@v6\n        with:\n          platforms: linux/amd64"},  # x64 needs 2.34
    {},  # no platform named anywhere: lint does not guess arm64
    {"version": "13.0.3", "platform": "--platform=linux/arm64 "},  # 13.0.3's arm64 build needs 2.34
    {"version": "12.11.1", "platform": "--platform=linux/arm64 "},  # no bundled prebuilds before 13
    {"platform": "--platform=$BUILDPLATFORM "},  # a variable: not a platform lint can read
])
def test_quiet_where_the_platform_or_version_is_another(knowledge, tmp_path, change):
    assert mi404(knowledge, tmp_path, **change) == []
