"""A Go program whose go.mod requires the SDK of a hosted HTTPS service (Optimizely, Discord, Telegram bots, Twilio,
...) makes outgoing TLS calls: on an image without a CA bundle that is MI411 (x509: certificate signed by unknown
authority), named by the module; with the bundle copied in, or a module lint does not know, it is not. The
Dockerfile and go.mod are small ones of our own."""
from __future__ import annotations

import pytest

from tests.lint.context_files import lint_with_files


STATIC = ("FROM golang:1.24 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /agent .\n"
          "FROM scratch\n{extra}COPY --from=build /agent /agent\nENTRYPOINT [\"/agent\"]\n")
GO_MOD = "module example.com/agent\n\ngo 1.24\n\nrequire (\n\tgithub.com/go-chi/chi/v5 v5.0.12\n\t{module} {version}\n)\n"


@pytest.mark.parametrize("module,version", [
    ("github.com/optimizely/go-sdk", "v1.8.3"),
    ("github.com/optimizely/go-sdk/v2", "v2.0.0"),
    ("github.com/bwmarrin/discordgo", "v0.28.1"),
    ("github.com/go-telegram-bot-api/telegram-bot-api/v5", "v5.5.1"),
    ("gopkg.in/telebot.v3", "v3.3.8"),
    ("github.com/twilio/twilio-go", "v1.20.0"),
])
def test_an_sdk_of_a_hosted_https_service_on_scratch_is_mi411_naming_the_module(knowledge, tmp_path, module, version):
    found = lint_with_files(knowledge, STATIC.format(extra=""), {"go.mod": GO_MOD.format(module=module, version=version)},
                            tmp_path)
    assert [(f.rule, f.line, f.severity) for f in found] == [("MI411", 6, "warning")]
    assert f"go.mod requires {module}:" in found[0].message
    assert "x509: certificate signed by unknown authority" in found[0].message


def test_the_same_program_with_the_ca_bundle_copied_in_is_clean(knowledge, tmp_path):
    extra = "COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\n"
    go_mod = GO_MOD.format(module="github.com/optimizely/go-sdk", version="v1.8.3")
    assert lint_with_files(knowledge, STATIC.format(extra=extra), {"go.mod": go_mod}, tmp_path) == []


def test_an_indirect_requirement_or_an_unknown_module_is_no_evidence(knowledge, tmp_path):
    go_mod = GO_MOD.format(module="github.com/optimizely/go-sdk", version="v1.8.3 // indirect")
    [f] = lint_with_files(knowledge, STATIC.format(extra=""), {"go.mod": go_mod}, tmp_path)
    assert (f.rule, f.severity) == ("MI416", "info")
    assert "none of them an HTTPS client lint knows" in f.message


# ---- a Go program built outside the Dockerfile and copied from the context (kb/lint/prebuilt.py) ----------------

PREBUILT = "FROM ubuntu:20.04\n{extra}WORKDIR /app\nCOPY {name} .\nCOPY config.toml .\nCMD [\"./{name}\"]\n"
AWS_MOD = "module github.com/example/otpd/v3\n\ngo 1.21\n\nrequire github.com/aws/aws-sdk-go v1.41.9\n"


@pytest.mark.parametrize("name", ["otpd", "relay", "otpd-linux-amd64", "relay_linux_arm64"])
def test_a_prebuilt_binary_named_after_the_module_or_a_command_is_its_program(knowledge, tmp_path, name):
    (tmp_path / "cmd" / "relay").mkdir(parents=True)
    found = [f for f in lint_with_files(knowledge, PREBUILT.format(extra="", name=name), {"go.mod": AWS_MOD}, tmp_path)
             if f.rule in ("MI411", "MI416")]
    assert [(f.rule, f.line, f.severity) for f in found] == [("MI411", 3, "warning")]
    why = "the command cmd/relay of the Go project" if name.startswith("relay") else \
        "the Go module github.com/example/otpd/v3 of the build context"
    assert found[0].message.startswith(f"ubuntu:20.04 has no CA bundle, and the Go program /app/{name} (copied "
                                       f"prebuilt from the build context, named after {why}")
    assert "makes TLS calls (go.mod requires github.com/aws/aws-sdk-go:" in found[0].message


@pytest.mark.parametrize("name, extra, files", [
    ("otpd", "RUN apt-get update && apt-get install -y ca-certificates\n", {"go.mod": AWS_MOD}),
    ("v3", "", {"go.mod": AWS_MOD}),  # the major-version suffix is not the program's name
    ("otpd.sh", "", {"go.mod": AWS_MOD}),
    ("server", "", {"go.mod": AWS_MOD}),  # neither the module's name nor a cmd/ directory
    ("otpd-darwin-amd64", "", {"go.mod": AWS_MOD}),  # not a Linux build
    ("otpd-linux", "", {"go.mod": AWS_MOD}),
    ("otpd", "", {"package.json": "{}"}),  # the context is no Go module
    ("cmd/relay", "", {"go.mod": AWS_MOD, "cmd/relay/main.go": "package main\n"}),  # a directory: the source
])
def test_other_copies_from_the_context_are_not_taken_for_the_program(knowledge, tmp_path, name, extra, files):
    found = lint_with_files(knowledge, PREBUILT.format(extra=extra, name=name), files, tmp_path)
    assert [f.rule for f in found if f.rule in ("MI411", "MI416")] == []
