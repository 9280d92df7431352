"""MI418 (kb/lint/zonedata.py): a program that needs named time zones in a final image without zone data. Go's
time.LoadLocation in the package a build reaches, or ENV TZ=Area/City for any program; time/tzdata, -tags
timetzdata, tzdata installed, a zoneinfo copied or ZONEINFO cancel it; images with zone data, or whose zone data the
knowledge does not know, give nothing."""
from __future__ import annotations

import pytest

from kb.lint import lint_text
from kb.lint.zonedata import _LOAD, _NAMED, _TZDATA_DEP, _UTC

from tests.bounded import within

GO = """FROM golang:1.22 AS build
ENV CGO_ENABLED=0
WORKDIR /src
COPY . .
RUN go build {flags}-o /app ./cmd/tool
FROM {final}
COPY --from=build /app /app
ENTRYPOINT ["/app"]
"""
MOD = "module example.test/tool\n\ngo 1.22\n"
MAIN = 'package main\n\nimport (\n{extra}\t"example.test/tool/internal/clock"\n)\n\nfunc main() {{ clock.Run() }}\n'
CLOCK = ('package clock\n\nimport "time"\n\nfunc Run() {\n\tloc, err := time.LoadLocation(Zone)\n'
         '\t_, _ = loc, err\n}\n\nvar Zone = "Europe/Berlin"\n')


def tree(root, files: dict) -> str:
    for rel, text in {"go.mod": MOD, **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return str(root)


def zones(knowledge, text, ctx=None):
    return [f for f in lint_text(knowledge, text, context_dir=ctx) if f.rule == "MI418"]


def go(knowledge, tmp_path, main=MAIN.format(extra=""), final="scratch", flags="", files=None):
    ctx = tree(tmp_path, {"cmd/tool/main.go": main, "internal/clock/clock.go": CLOCK, **(files or {})})
    return zones(knowledge, GO.format(final=final, flags=flags), ctx)


def test_a_reached_load_location_on_scratch_is_a_warning_naming_file_line_image_and_fix(knowledge, tmp_path):
    [f] = go(knowledge, tmp_path)
    assert (f.rule, f.severity, f.line) == ("MI418", "warning", 7)
    assert f.message.startswith("scratch has no zone database, and the Go program /app needs named time zones "
                                "(internal/clock/clock.go:6 calls time.LoadLocation)")
    assert '"unknown time zone NAME"' in f.message
    assert 'import _ "time/tzdata"' in f.fix and "/usr/share/zoneinfo" in f.fix
    assert "K10.7" in f.sources and "go.dev/pkg/time/tzdata" in f.sources


def test_an_import_of_time_tzdata_embeds_the_database(knowledge, tmp_path):
    assert go(knowledge, tmp_path, main=MAIN.format(extra='\t_ "time/tzdata"\n')) == []


def test_the_timetzdata_build_tag_embeds_the_database(knowledge, tmp_path):
    assert go(knowledge, tmp_path, flags="-tags timetzdata ") == []


@pytest.mark.parametrize("final, has", [("alpine:3.20", "no zone database"), ("busybox:1.37", "only UTC")])
def test_alpine_and_busybox_lack_zone_data(knowledge, tmp_path, final, has):
    [f] = go(knowledge, tmp_path, final=final)
    assert f.message.startswith(f"{final} has {has}, and the Go program /app")


@pytest.mark.parametrize("final", ["gcr.io/distroless/static-debian12", "debian:bookworm-slim", "alpine:3.24",
                                   "ubuntu:24.04", "python:3.13-alpine", "eclipse-temurin:21-jre-jammy"])
def test_images_with_zone_data_or_unknown_zone_data_give_nothing(knowledge, tmp_path, final):
    """alpine:3.24 is the catalogue's (no tzdata) and ubuntu's minimal images have none since 2017
    (docker-library/official-images#2863): both flagged; the others have it (python's alpine images install tzdata)
    or the knowledge does not say (an image named after an Ubuntu release only)."""
    assert len(go(knowledge, tmp_path, final=final)) == (1 if final in ("alpine:3.24", "ubuntu:24.04") else 0)


GLIDE_MAIN = 'package main\n\nimport "github.com/example/monkey/config"\n\nfunc main() { config.Init() }\n'


@pytest.mark.parametrize("glide", [True, False])
def test_a_glide_project_without_go_mod_is_walked_from_its_import_path(knowledge, tmp_path, glide):
    """asobti/kube-monkey#7: a GOPATH project (glide.yaml's `package:`, no go.mod) built by its Makefile on the host
    and copied into ubuntu; config/config.go calls time.LoadLocation."""
    files = {"Makefile": "build:\n\tCGO_ENABLED=0 go build -o monkey\n", "main.go": GLIDE_MAIN,
             "config/config.go": CLOCK.replace("package clock", "package config").replace("func Run", "func Init")}
    if glide:
        files["glide.yaml"] = "package: github.com/example/monkey\nimport:\n- package: k8s.io/client-go\n"
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    found = zones(knowledge, "FROM ubuntu:24.04\nCOPY monkey /monkey\nENTRYPOINT [\"/monkey\"]\n", str(tmp_path))
    if glide:
        [f] = found
        assert f.line == 2 and "the Go program /monkey" in f.message
        assert "(config/config.go:6 calls time.LoadLocation)" in f.message
    else:  # no import path: lint cannot follow main.go's import to config/
        assert all("config/config.go" not in f.message for f in found)


def test_load_location_from_tz_data_brings_its_own_data(knowledge, tmp_path):
    clock = CLOCK.replace("time.LoadLocation(Zone)", "time.LoadLocationFromTZData(Zone, data)")
    assert go(knowledge, tmp_path, files={"internal/clock/clock.go": clock + "\nvar data []byte\n"}) == []


def test_a_call_in_a_package_the_build_does_not_reach_does_not_count(knowledge, tmp_path):
    main = 'package main\n\nfunc main() {}\n'
    other = 'package main\n\nimport "example.test/tool/internal/clock"\n\nfunc main() { clock.Run() }\n'
    assert go(knowledge, tmp_path, main=main, files={"cmd/other/main.go": other}) == []


def test_a_commented_out_call_does_not_count(knowledge, tmp_path):
    clock = CLOCK.replace("\tloc, err := time.LoadLocation(Zone)\n\t_, _ = loc, err\n",
                          "\t// loc, err := time.LoadLocation(Zone)\n")
    assert go(knowledge, tmp_path, files={"internal/clock/clock.go": clock}) == []


def test_a_library_package_behind_a_package_not_in_the_context_is_read_and_says_so(knowledge, tmp_path):
    main = MAIN.format(extra="").replace("internal/clock", "internal/server")
    [f] = go(knowledge, tmp_path, main=main)
    assert ("internal/clock/clock.go:6 calls time.LoadLocation, in a package of the module; the build's imports "
            "lead through internal/server, which is not in the build context") in f.message


SUBDIR = """FROM golang:1.17-alpine AS build
WORKDIR /go/src/app
ADD server/ server/
ADD go.mod .
ADD go.sum .
WORKDIR /go/src/app/server
RUN CGO_ENABLED=1 go build -o main .
FROM alpine:3.14
{install}COPY --from=build /go/src/app/server/main /app/
CMD ["/app/main"]
"""


def test_a_file_copied_into_the_workdir_after_the_source_directory_does_not_move_the_build_package(knowledge, tmp_path):
    """`ADD go.sum .` puts the file at /go/src/app/go.sum: the build in /go/src/app/server is still the package of
    the context's server/ (the last single-source COPY is a file, not the directory the WORKDIR is under)."""
    ctx = tree(tmp_path, {"go.mod": "module server\n\ngo 1.16\n", "go.sum": "",
                          "server/main.go": 'package main\n\nfunc main() { Run() }\n',
                          "server/zones.go": CLOCK.replace("package clock", "package main")})
    [f] = zones(knowledge, SUBDIR.format(install=""), ctx)
    assert (f.rule, f.severity, f.line) == ("MI418", "warning", 9)
    assert f.message.startswith("alpine:3.14 has no zone database, and the Go program /app/main needs named time "
                                "zones (server/zones.go:6 calls time.LoadLocation)")
    assert "apk add tzdata" in f.fix
    assert zones(knowledge, SUBDIR.format(install="RUN apk --update add --no-cache tzdata\n"), ctx) == []


@pytest.mark.parametrize("copied", ["build/tool.${TARGETOS}-${TARGETARCH}", "tool-linux-amd64", "tool"])
def test_a_prebuilt_binary_named_after_a_cmd_directory_is_walked_from_it(knowledge, tmp_path, copied):
    ctx = tree(tmp_path, {"cmd/tool/main.go": MAIN.format(extra=""), "internal/clock/clock.go": CLOCK})
    text = f'FROM scratch\nARG TARGETOS\nARG TARGETARCH\nADD {copied} /app/tool\nENTRYPOINT ["/app/tool"]\n'
    [f] = zones(knowledge, text, ctx)
    assert f.line == 4 and "the Go program /app/tool (copied prebuilt from the build context" in f.message
    assert "internal/clock/clock.go:6 calls time.LoadLocation" in f.message
    (tmp_path / "cmd/tool/main.go").write_text(MAIN.format(extra='\t_ "time/tzdata"\n'))
    assert zones(knowledge, text, ctx) == []


def test_a_makefile_that_builds_with_timetzdata_embeds_it_for_a_prebuilt_binary(knowledge, tmp_path):
    ctx = tree(tmp_path, {"cmd/tool/main.go": MAIN.format(extra=""), "internal/clock/clock.go": CLOCK,
                          "Makefile": "build:\n\tgo build -tags timetzdata -o tool ./cmd/tool\n"})
    assert zones(knowledge, 'FROM scratch\nCOPY tool /tool\nENTRYPOINT ["/tool"]\n', ctx) == []


@pytest.mark.parametrize("final", ["scratch", "alpine:3.20"])
def test_env_tz_with_a_named_zone_is_flagged_at_the_env_line_for_any_program(knowledge, final):
    text = f'FROM {final}\nCOPY app /app\nENV TZ=America/New_York\nCMD ["/app"]\n'
    [f] = zones(knowledge, text)
    assert (f.severity, f.line) == ("warning", 3)
    assert f.message == (f"{final} has no zone database, and the program needs named time zones "
                         "(ENV TZ=America/New_York): local time silently falls back to UTC")
    assert "COPY --from=<build stage> /usr/share/zoneinfo /usr/share/zoneinfo" in f.fix and "apk add" in f.fix


@pytest.mark.parametrize("written", ['"America/New_York"', "'America/New_York'"])
def test_a_quoted_named_zone_is_the_zone_the_shell_gives(knowledge, written):
    [f] = zones(knowledge, f'FROM alpine:3.19.1\nENV TZ={written}\nCMD ["/app"]\n')  # orenlab/pytmbot#30
    assert f.line == 2 and "(ENV TZ=America/New_York)" in f.message


@pytest.mark.parametrize("value", ["UTC", "Etc/UTC", "etc/gmt", "GMT0", ":UTC", "Zulu", "CET-1CEST,M3.5.0,M10.5.0/3",
                                   "EST5EDT", ""])
def test_utc_and_posix_rules_need_no_zone_data(knowledge, value):
    assert zones(knowledge, f'FROM scratch\nCOPY app /app\nENV TZ="{value}"\nCMD ["/app"]\n') == []


@pytest.mark.parametrize("fix", [
    "RUN apk add --no-cache tzdata",
    "COPY --from=golang:1.22 /usr/share/zoneinfo /usr/share/zoneinfo",
    "COPY --from=golang:1.22 /usr/local/go/lib/time/zoneinfo.zip /zoneinfo.zip",
    "ENV ZONEINFO=/zoneinfo.zip",
])
def test_zone_data_brought_into_the_final_image_cancels_it(knowledge, fix):
    text = f'FROM alpine:3.20\n{fix}\nENV TZ=Europe/Berlin\nCOPY app /app\nCMD ["/app"]\n'
    assert zones(knowledge, text) == []


def test_tz_and_tzdata_are_inherited_from_the_stage_the_final_one_is_built_from(knowledge):
    base = 'FROM alpine:3.20 AS base\nENV TZ=Europe/Berlin\n{install}FROM base\nCOPY app /app\nCMD ["/app"]\n'
    [f] = zones(knowledge, base.format(install=""))
    assert f.line == 2 and f.message.startswith("alpine:3.20 has no zone database")
    assert zones(knowledge, base.format(install="RUN apk add --no-cache tzdata\n")) == []


def test_tz_in_a_build_stage_only_does_not_count(knowledge):
    text = ('FROM alpine:3.20 AS build\nENV TZ=Europe/Berlin\nRUN date > /stamp\n'
            'FROM scratch\nCOPY --from=build /stamp /\n')
    assert zones(knowledge, text) == []


def test_the_patterns_are_linear_on_hostile_text():
    with within():
        assert _NAMED.fullmatch("a" + "/a" * 200_000 + "/") is None
        assert _NAMED.fullmatch("a" + "-" * 200_000 + "!") is None
        assert _UTC.fullmatch(":etc/" + "u" * 200_000) is None
        assert _LOAD.search("time.LoadLocation" + " " * 200_000 + "x") is None
        assert _LOAD.search("time." * 100_000) is None
        assert _TZDATA_DEP.search(" " * 200_000 + "x" + 'name = "' * 50_000) is None


PY = 'FROM {final}\nRUN apk add --no-cache python3 py3-pip{pip}\nCOPY . /app\nCMD ["python3", "/app/main.py"]\n'
ZONEINFO = "import sys\nfrom zoneinfo import ZoneInfo\n\nprint(ZoneInfo(sys.argv[1]))\n"


def py(knowledge, tmp_path, files, final="alpine:3.20", pip=""):
    for rel, text in files.items():
        (tmp_path / rel).write_text(text)
    return zones(knowledge, PY.format(final=final, pip=pip), str(tmp_path))


def test_python_zoneinfo_on_alpine_is_a_warning_at_the_copy(knowledge, tmp_path):
    [f] = py(knowledge, tmp_path, {"main.py": ZONEINFO})
    assert (f.severity, f.line) == ("warning", 3)
    assert f.message == ("alpine:3.20 has no zone database, and the Python program needs named time zones (main.py:2 "
                         "imports zoneinfo): ZoneInfo(NAME) raises ZoneInfoNotFoundError ('No time zone found with key "
                         "NAME')")
    assert "tzdata" in f.fix and "apk add" in f.fix


@pytest.mark.parametrize("files, pip", [
    ({"main.py": "import pytz\n\nprint(pytz.timezone('Europe/Berlin'))\n"}, ""),  # pytz/zoneinfo is in its wheel
    ({"main.py": ZONEINFO, "requirements.txt": "requests==2.32.3\ntzdata>=2024.1\n"}, ""),
    ({"main.py": ZONEINFO, "pyproject.toml": '[project]\nname = "x"\ndependencies = [\n  "tzdata",\n]\n'}, ""),
    ({"main.py": ZONEINFO}, " && pip install --break-system-packages tzdata"),
    ({"main.py": ZONEINFO}, " tzdata"),  # apk add tzdata
])
def test_pytz_or_the_tzdata_package_or_apk_tzdata_give_nothing(knowledge, tmp_path, files, pip):
    assert py(knowledge, tmp_path, files, pip=pip) == []


def test_python_tzlocal_counts_as_zoneinfo(knowledge, tmp_path):
    """satomic/copilot-usage-advanced-dashboard#16: tzlocal (3.0 on) looks up the zone TZ names with zoneinfo, and
    raises ZoneInfoNotFoundError on ubuntu:22.04, which has no zone data."""
    [f] = py(knowledge, tmp_path, {"main.py": "from tzlocal import get_localzone\n\nprint(get_localzone())\n"})
    assert "(main.py:1 imports tzlocal)" in f.message
    assert py(knowledge, tmp_path, {"main.py": "import tzlocalish\n"}) == []


def test_python_images_that_install_tzdata_give_nothing(knowledge, tmp_path):
    assert py(knowledge, tmp_path, {"main.py": ZONEINFO}, final="python:3.13-alpine") == []


NO_CALL = 'package main\n\nfunc main() {}\n'
ALIYUN = "github.com/aliyun/alibaba-cloud-sdk-go"


@pytest.mark.parametrize("manifest,text", [
    ("go.mod", MOD + f"\nrequire {ALIYUN} v1.26.1\n"),
    ("go.mod", MOD + f"\nrequire (\n\t{ALIYUN} v1.26.1 // indirect\n)\n"),
    ("vendor/modules.txt", f"# {ALIYUN} v1.26.1\n## explicit\n{ALIYUN}/sdk\n"),
    ("Gopkg.lock", f'[[projects]]\n  name = "{ALIYUN}"\n  packages = ["sdk"]\n  version = "1.26.1"\n'),
])
def test_a_pinned_dependency_that_loads_a_zone_itself_is_a_warning(knowledge, tmp_path, manifest, text):
    """banzaicloud/pipeline#927 and gardener/machine-controller-manager#144 (heldout16): the Alibaba Cloud SDK before
    1.53.1 signs each request with time.LoadLocation("GMT"), which panics without zone data."""
    [f] = go(knowledge, tmp_path, main=NO_CALL, final="alpine:3.20", files={manifest: text})
    assert f.severity == "warning"
    assert f"{manifest} pins {ALIYUN} 1.26.1, which calls time.LoadLocation(\"GMT\")" in f.message
    assert "before 1.53.1" in f.message


@pytest.mark.parametrize("version", ["1.53.1", "1.61.0"])
def test_a_version_that_no_longer_does_is_quiet(knowledge, tmp_path, version):
    text = MOD + f"\nrequire {ALIYUN} v{version}\n"
    assert go(knowledge, tmp_path, main=NO_CALL, final="alpine:3.20", files={"go.mod": text}) == []


CLICKHOUSE = "github.com/ClickHouse/clickhouse-go/v2"


@pytest.mark.parametrize("flags, found", [("", 1), ("-tags timetzdata ", 0)])
def test_clickhouse_go_loads_the_servers_zone_at_the_handshake(knowledge, tmp_path, flags, found):
    """SigNoz/signoz#1460 (heldout25): query-service on alpine:3.7 fails to connect to a ClickHouse server on Etc/UTC:
    clickhouse-go v2 loads the server's zone by name at each handshake; -tags timetzdata (the fix) embeds the data."""
    text = MOD + f"\nrequire {CLICKHOUSE} v2.0.12\n"
    got = go(knowledge, tmp_path, main=NO_CALL, final="alpine:3.7", flags=flags, files={"go.mod": text})
    assert len(got) == found
    if found:
        assert f"go.mod pins {CLICKHOUSE} 2.0.12, which loads the ClickHouse server's time zone by name" in got[0].message


CRON = "github.com/robfig/cron/v3"


@pytest.mark.parametrize("final, flags, found", [("scratch", "", 1), ("scratch", "-tags timetzdata ", 0),
                                                 ("debian:bookworm-slim", "", 0)])
def test_robfig_cron_loads_the_zone_a_spec_names(knowledge, tmp_path, final, flags, found):
    """cooperspencer/gickup#46 (heldout28): on scratch a cron spec with CRON_TZ=America/New_York fails with
    "provided bad location ...: unknown time zone": robfig/cron v3's parser loads the zone a spec names."""
    text = MOD + f"\nrequire {CRON} v3.0.0 // indirect\n"
    got = go(knowledge, tmp_path, main=NO_CALL, final=final, flags=flags, files={"go.mod": text})
    assert len(got) == found
    if found:
        assert f"go.mod pins {CRON} 3.0.0, which loads the zone a cron spec names in a CRON_TZ= or TZ= prefix" \
               in got[0].message


def test_files_go_does_not_read_do_not_use_up_the_walk_s_cap(knowledge, tmp_path):
    """checkmarble/marble-backend: 168 non-Go files (test data, JSON, images) listed before the package that calls
    time.LoadLocation kept the walk from reaching it; the Go walk lists and counts only go.mod, go.sum and .go."""
    from kb.lint.context import MAX_CONTEXT_FILES

    data = {f"a_data/{i:04}.json": "{}" for i in range(MAX_CONTEXT_FILES)}
    tests = {f"internal/clock/c{i:04}_test.go": "package clock\n" for i in range(MAX_CONTEXT_FILES)}
    [f] = go(knowledge, tmp_path, files={**data, **tests})
    assert "(internal/clock/clock.go:6 calls time.LoadLocation)" in f.message


def test_a_module_nested_in_the_context_does_not_stop_the_walk(knowledge, tmp_path):
    """pingcap/tiflow#613: tools/check/go.mod is a module of its own; the root module's walk leaves it out and still
    reaches pkg/util/tz.go's time.LoadLocation (before, a second go.mod meant no walk at all)."""
    nested = {"tools/check/go.mod": "module example.test/tools\n\ngo 1.22\n",
              "tools/check/main.go": 'package main\n\nimport "time"\n\nfunc main() { time.LoadLocation("UTC") }\n'}
    [f] = go(knowledge, tmp_path, files=nested)
    assert "(internal/clock/clock.go:6 calls time.LoadLocation)" in f.message
