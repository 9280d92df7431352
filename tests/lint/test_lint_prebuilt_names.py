"""A Go program copied prebuilt from the build context (kb/lint/prebuilt.py, MI411): a program name with the
separator of its platform suffix in it, the directory a COPY lands in when the final stage starts FROM a stage that
set WORKDIR, and where in go.mod its `module` line is looked for."""
from __future__ import annotations

import pytest

from tests.lint.context_files import lint_with_files

AWS_MOD = "module github.com/example/{name}\n\ngo 1.21\n\nrequire github.com/aws/aws-sdk-go v1.41.9\n"


def mi411(knowledge, text, files, tmp_path):
    return [f.message for f in lint_with_files(knowledge, text, files, tmp_path) if f.rule in ("MI411", "MI416")]


@pytest.mark.parametrize("module, copied", [("otp-gateway", "otp-gateway-linux-amd64"),
                                            ("otp_gateway", "otp_gateway_linux_arm64")])
def test_a_program_name_with_a_dash_or_underscore_keeps_its_platform_suffix(knowledge, tmp_path, module, copied):
    text = f"FROM ubuntu:20.04\nWORKDIR /app\nCOPY {copied} .\nCMD [\"./{copied}\"]\n"
    [msg] = mi411(knowledge, text, {"go.mod": AWS_MOD.format(name=module)}, tmp_path)
    assert msg.startswith(f"ubuntu:20.04 has no CA bundle, and the Go program /app/{copied} (copied prebuilt")


def test_a_copy_lands_in_the_workdir_of_the_stage_the_final_one_starts_from(knowledge, tmp_path):
    text = "FROM ubuntu:20.04 AS base\nWORKDIR /srv/otpd\nFROM base\nCOPY otpd .\nCMD [\"./otpd\"]\n"
    [msg] = mi411(knowledge, text, {"go.mod": AWS_MOD.format(name="otpd")}, tmp_path)
    assert msg.startswith("ubuntu:20.04 has no CA bundle, and the Go program /srv/otpd/otpd (copied prebuilt")


@pytest.mark.parametrize("comments, found", [(49, True), (50, False)])
def test_the_module_line_is_looked_for_in_go_mods_first_50_lines(knowledge, tmp_path, comments, found):
    """go.mod starts with its module line (`go mod init` writes it first); a bounded read looks no further."""
    go_mod = "// generated\n" * comments + AWS_MOD.format(name="otpd")
    text = "FROM ubuntu:20.04\nWORKDIR /app\nCOPY otpd .\nCMD [\"./otpd\"]\n"
    assert len(mi411(knowledge, text, {"go.mod": go_mod}, tmp_path)) == (1 if found else 0)


@pytest.mark.parametrize("copied", ["bin/${BINARY_NAME}-${VERSION}-linux-amd64", "bin/soarca-1.4.0-linux-amd64",
                                    "bin/soarca-v2.0-linux-amd64"])
def test_a_version_between_the_name_and_the_platform(knowledge, tmp_path, copied):
    """COSSAS/SOARCA#76 (heldout34): `COPY bin/${BINARY_NAME}-${VERSION}-linux-amd64 /bin/soarca` into scratch, with
    `ARG BINARY_NAME=soarca` in the stage and VERSION left open; the Makefile's compile recipe writes that name."""
    text = f"FROM scratch\nARG BINARY_NAME=soarca\nARG VERSION\nCOPY {copied} /bin/soarca\nCMD [\"/bin/soarca\"]\n"
    [msg] = mi411(knowledge, text, {"go.mod": AWS_MOD.format(name="soarca")}, tmp_path)
    assert msg.startswith("scratch has no CA bundle, and the Go program /bin/soarca (copied prebuilt")


@pytest.mark.parametrize("copied", ["bin/soarca-latest-linux-amd64", "bin/other-1.4.0-linux-amd64",
                                    "bin/soarca-1.4.0-darwin-arm64"])
def test_other_names_with_a_version_are_not_the_program(knowledge, tmp_path, copied):
    text = f"FROM scratch\nCOPY {copied} /bin/soarca\nCMD [\"/bin/soarca\"]\n"
    assert mi411(knowledge, text, {"go.mod": AWS_MOD.format(name="soarca")}, tmp_path) == []


def test_a_package_the_build_generates_does_not_hide_a_client_call_elsewhere(knowledge, tmp_path):
    """SOARCA's main.go imports its swaggerdocs package, which `swag init` writes before the build: not in the
    context, but utils/http's http.Client{} is, and the walk goes on past the missing package."""
    mod = "module soarca\n\ngo 1.20\n"
    main = 'package main\n\nimport (\n\t"soarca/utils/http"\n\t_ "soarca/swaggerdocs"\n)\n\nfunc main() { http.Setup() }\n'
    client = 'package http\n\nimport "net/http"\n\nfunc Setup() { c := http.Client{}; _ = c }\n'
    text = "FROM scratch\nCOPY soarca /bin/soarca\nCMD [\"/bin/soarca\"]\n"
    files = {"go.mod": mod, "main.go": main, "utils/http/http.go": client}
    [msg] = mi411(knowledge, text, files, tmp_path / "call")
    assert "makes TLS calls (utils/http/http.go:5 calls http.Client{...})" in msg
    quiet = {**files, "utils/http/http.go": 'package http\n\nfunc Setup() {}\n'}
    [msg] = mi411(knowledge, text, quiet, tmp_path / "none")
    assert "the package in swaggerdocs is not in the build context" in msg  # MI416: it cannot tell
