"""MI420-MI423: what `dotnet publish`, `deno compile` and `bun build --compile` write, judged where it lands
(`minimage-ask lint` output as a user sees it)."""
from __future__ import annotations

import io

import pytest

from shell.cli import Env, main

SDK = "FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build\nWORKDIR /src\nCOPY . .\n"


def lint(tmp_path, text):
    path = tmp_path / "Dockerfile"
    path.write_text(text)
    env = Env(stdin=io.StringIO(""), stdout=io.StringIO(), stderr=io.StringIO(), stdin_isatty=False,
              stdout_isatty=False, environ={})
    code = main(["lint", "--no-context", str(path)], env)
    assert env.stderr.getvalue() == ""
    return code, [line.split(" ", 2)[1:] for line in env.stdout.getvalue().splitlines() if not line.startswith(" ")]


def dotnet(publish, final, *more):
    return SDK + f"RUN dotnet publish -c Release {publish} -o /out\nFROM {final}\n" + "".join(more) + \
        "COPY --from=build /out /app\nENTRYPOINT [\"/app/app\"]\n"


@pytest.mark.parametrize("publish,final,rules", [
    # the kind of output decides what the final image needs
    ("", "mcr.microsoft.com/dotnet/runtime:10.0", []),
    ("", "mcr.microsoft.com/dotnet/runtime-deps:10.0", []),  # no project file seen: it may set PublishAot
    ("", "debian:trixie-slim", ["MI421"]),
    ("--self-contained false -r linux-x64", "debian:trixie-slim", ["MI421"]),  # explicitly framework-dependent
    ("--sc -r linux-x64", "mcr.microsoft.com/dotnet/runtime-deps:10.0", []),
    ("--sc -r linux-x64", "gcr.io/distroless/cc-debian13", ["MI423"]),  # no ICU and not invariant
    ("--sc -r linux-x64 -p:InvariantGlobalization=true", "gcr.io/distroless/cc-debian13", []),
    ("--sc -r linux-x64 -p:InvariantGlobalization=true", "gcr.io/distroless/base-debian13", ["MI422"]),
    ("/p:PublishAot=true -p:InvariantGlobalization=true", "gcr.io/distroless/base-debian13", []),  # no libstdc++
    ("/p:PublishAot=true -p:InvariantGlobalization=true", "gcr.io/distroless/static-debian13", ["MI420"]),
    ("-r linux-musl-x64 -p:PublishAot=true -p:InvariantGlobalization=true", "debian:trixie-slim", ["MI420"]),
    ("-r linux-musl-x64 --self-contained", "mcr.microsoft.com/dotnet/runtime-deps:10.0-alpine", []),  # invariant
])
def test_dotnet_publish_output_is_judged_by_kind_libc_and_icu(tmp_path, publish, final, rules):
    code, found = lint(tmp_path, dotnet(publish, final))
    assert [f[0] for f in found] == rules
    assert code == (1 if any(r != "MI423" for r in rules) else 0)


def test_an_env_line_in_the_final_stage_turns_the_icu_warning_off(tmp_path):
    _code, found = lint(tmp_path, dotnet("--sc -r linux-x64", "gcr.io/distroless/cc-debian13",
                                         "ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1\n"))
    assert found == []


def test_the_message_names_the_kind_the_libc_and_why(tmp_path):
    _code, found = lint(tmp_path, dotnet("-r linux-x64 --self-contained -p:InvariantGlobalization=true",
                                         "alpine:3.24"))
    ((rule, message),) = found
    assert rule == "MI420"
    assert message.startswith("error: the self-contained .NET app in /app/ (--self-contained; -r linux-x64) needs "
                              "glibc, but alpine:3.24 has musl, not glibc")


@pytest.mark.parametrize("build,final,rules", [
    ("FROM denoland/deno:2 AS build\nRUN deno compile -A --output /out/app main.ts\n", "alpine:3.24", ["MI420"]),
    ("FROM denoland/deno:2 AS build\nRUN deno compile -A --output /out/app main.ts\n",
     "gcr.io/distroless/cc-debian13", []),
    ("FROM denoland/deno:2 AS build\nRUN deno compile --target x86_64-pc-windows-msvc -o /out/app main.ts\n",
     "scratch", []),  # not a Linux executable: not this image's business
    ("FROM oven/bun:1-alpine AS build\nRUN bun build --compile --outfile=/out/app index.ts\n", "alpine:3.24", []),
    ("FROM oven/bun:1-alpine AS build\nRUN bun build --compile --outfile=/out/app index.ts\n",
     "gcr.io/distroless/base-debian13", ["MI420"]),  # built on Alpine: a musl executable
    ("FROM oven/bun:1 AS build\nRUN bun build --compile --outfile=/out/app index.ts\n",
     "gcr.io/distroless/base-debian13", []),
    ("FROM oven/bun:1 AS build\nRUN bun build --outfile=/out/app.js index.ts\n", "scratch", []),  # a bundle, no exe
])
def test_deno_and_bun_executables_need_the_libc_they_were_built_for(tmp_path, build, final, rules):
    text = build + f"FROM {final}\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n"
    _code, found = lint(tmp_path, text)
    assert [f[0] for f in found] == rules


def test_deno_compile_without_output_is_named_after_its_entry_file(tmp_path):
    text = ("FROM denoland/deno:2 AS build\nWORKDIR /src\nRUN deno compile -A server.ts\n"
            "FROM scratch\nCOPY --from=build /src/server /server\nENTRYPOINT [\"/server\"]\n")
    _code, found = lint(tmp_path, text)
    assert [f[0] for f in found] == ["MI420"]
    assert "the deno compile executable /server" in found[0][1]


def test_ubi_tags_are_known_to_lint_by_family_with_their_rhel_glibc(tmp_path):
    text = ("FROM golang:1.25-trixie AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n"
            "FROM registry.access.redhat.com/ubi10/ubi-minimal:10.1\nCOPY --from=build /app /app\n"
            "ENTRYPOINT [\"/app\"]\n")
    _code, found = lint(tmp_path, text)
    assert [f[0] for f in found] == ["MI404"]
    assert "(rhel10, glibc 2.39)" in found[0][1]
    micro = text.replace("ubi10/ubi-minimal:10.1", "ubi9/ubi-micro:9.6").replace("golang:1.25-trixie",
                                                                                 "golang:1.25-bullseye")
    code, found = lint(tmp_path, micro)
    assert code == 0 and [f[0] for f in found] == ["MI416"]  # glibc 2.31 under 2.34: only ubi-micro's missing CA
    assert found[0][1].startswith("info: registry.access.redhat.com/ubi9/ubi-micro:9.6 has no CA bundle")


@pytest.mark.parametrize("project,rules,says", [
    ("<PublishAot>true</PublishAot><InvariantGlobalization>true</InvariantGlobalization>", [], ""),
    ("<SelfContained>true</SelfContained><RuntimeIdentifier>linux-x64</RuntimeIdentifier>", ["MI423"],
     "the self-contained .NET app in /app/ (SelfContained in the project file; -r linux-x64) loads ICU"),
    ("<TargetFramework>net10.0</TargetFramework>", ["MI421"], "the framework-dependent .NET output in /app/"),
    # values are read without the blanks around them
    ("<SelfContained>\n  true\n</SelfContained><RuntimeIdentifier> linux-x64 </RuntimeIdentifier>", ["MI423"],
     "(SelfContained in the project file; -r linux-x64) loads ICU"),
])
def test_the_project_file_in_the_build_context_decides_what_the_command_line_leaves_out(tmp_path, project, rules,
                                                                                        says):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.csproj").write_text(f"<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup>{project}"
                                                 "</PropertyGroup></Project>\n")
    final = "gcr.io/distroless/cc-debian13" if rules == ["MI423"] else "mcr.microsoft.com/dotnet/runtime-deps:10.0"
    (tmp_path / "Dockerfile").write_text(dotnet("", final))
    env = Env(stdin=io.StringIO(""), stdout=io.StringIO(), stderr=io.StringIO(), stdin_isatty=False,
              stdout_isatty=False, environ={})
    main(["lint", str(tmp_path / "Dockerfile")], env)
    found = [line.split(" ", 2)[1:] for line in env.stdout.getvalue().splitlines() if not line.startswith(" ")]
    assert [f[0] for f in found] == rules
    assert all(says in f[1] for f in found)
