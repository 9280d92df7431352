"""A Go program whose go.mod requires the SDK of a hosted HTTPS service (Optimizely, Discord, Telegram bots, Twilio,
...) makes outgoing TLS calls: on an image without a CA bundle that is MI411 (x509: certificate signed by unknown
authority), named by the module; with the bundle copied in, or a module lint does not know, it is not. The
Dockerfile and go.mod are small ones of our own."""
from __future__ import annotations

import pytest

import kb
from tests.lint.context_files import lint_with_files


@pytest.fixture(scope="module")
def knowledge():
    return kb.load().knowledge


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
