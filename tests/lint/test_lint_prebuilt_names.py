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
