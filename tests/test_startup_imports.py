"""What a command imports is part of its start-up time: a consultation served by the cache of validated knowledge
never loads the YAML loader or the explanations, and `inspect` of a binary never loads the project or script readers
(nor pyelftools or dataclasses)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PROBE = """
import io, json, sys
from shell.cli import Env, main
out = io.StringIO()
status = main(json.loads(sys.argv[1]), Env(stdout=out, stderr=io.StringIO()))
print(json.dumps({"status": status, "output": out.getvalue(), "modules": sorted(sys.modules)}))
"""


def run_in_fresh_process(argv: list[str], cache_dir: Path) -> dict:
    env = {"PATH": "/usr/bin:/bin", "MINIMAGE_CACHE_DIR": str(cache_dir), "HOME": str(cache_dir)}
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(argv)], capture_output=True, text=True, cwd=REPO,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_cached_consultation_does_not_import_the_loader_or_yaml(tmp_path):
    argv = ["--answer", "language=go", "--answer", "cgo=no", "--format", "json"]
    first = run_in_fresh_process(argv, tmp_path)  # fills the cache: this one reads the YAML
    assert "kb.loader" in first["modules"] and first["status"] == 0
    # other answers: the knowledge comes from the cache, the consultation runs (no result kept for it yet)
    second = run_in_fresh_process(["--answer", "language=go", "--answer", "cgo=yes", "--format", "json"], tmp_path)
    assert second["status"] == 0 and second["output"] != first["output"]
    assert json.loads(second["output"])["plans"] and "durable_rules_engine" in second["modules"]
    loaded = set(second["modules"])
    assert not {"kb.loader", "yaml", "kb.explain", "kb.evidence.elf", "kb.lint", "kb.diagnose", "shutil"} & loaded
    # durable-rules' C engine only: its Python layer (a Host, logging, inspect, traceback) is never imported; locks
    # without the threading module, and JSON wraps no text
    assert not {"durable", "durable.engine", "logging", "inspect", "threading", "textwrap"} & loaded


def test_inspecting_a_binary_imports_only_the_elf_reader(tmp_path):
    run_in_fresh_process(["--answer", "language=go"], tmp_path)  # fills the cache
    done = run_in_fresh_process(["inspect", "--format", "json", "--answer", "language=c", sys.executable], tmp_path)
    result = json.loads(done["output"])
    assert done["status"] == 0 and result["inspected"]["kind"] == "binary" and result["plans"]
    loaded = set(done["modules"])
    assert "kb.evidence.elf" in loaded
    assert not {"kb.evidence.project", "kb.evidence.script", "kb.evidence.ecosystems", "kb.loader"} & loaded
    # the ELF reader is our own: no pyelftools (its imports cost more than the consultation), no dataclasses
    assert not {"elftools", "dataclasses"} & loaded


def test_help_is_sized_like_argparse_sizes_it(monkeypatch):
    import argparse

    from shell.commands import command

    helps = {}
    for columns in ("60", "132"):
        monkeypatch.setenv("COLUMNS", columns)
        parser = command("inspect").parser()
        helps[columns] = parser.format_help()
        parser.formatter_class = argparse.RawDescriptionHelpFormatter  # argparse's own: asks shutil for the width
        assert helps[columns] == parser.format_help()
    assert helps["60"] != helps["132"]


def test_a_one_shot_command_exits_with_its_objects_out_of_the_collectors_reach(tmp_path):
    """The exit of a one-shot command does not walk its tens of thousands of objects with the cyclic collector
    (shell/start.py: gc.freeze), and exits as before: its output, its status, the atexit handlers."""
    code = ("import atexit, gc, sys\n"
            "atexit.register(lambda: sys.stderr.write(f'frozen {gc.get_freeze_count()} {gc.isenabled()}'))\n"
            "sys.argv = ['minimage-ask', '--format', 'json', '--answer', 'language=go', '--answer', 'cgo=no']\n"
            "from shell.start import run\n"
            "run()\n")
    env = {"PATH": "/usr/bin:/bin", "MINIMAGE_CACHE_DIR": str(tmp_path), "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=env,
                          timeout=120)
    assert done.returncode == 0 and json.loads(done.stdout)["plans"], done.stderr
    word, count, enabled = done.stderr.split()
    assert word == "frozen" and int(count) > 10_000 and enabled == "False"


def test_lint_loads_the_checks_of_library_installs_only_for_a_dockerfile_that_installs_and_copies(tmp_path):
    """kb.lint.ON_DEMAND: MI496/MI497 (kb/lint/loaderpath.py) and MI413 (kb/lint/pkgcross.py) are imported only when
    a Dockerfile can need them; one that needs them still gets their findings."""
    go = tmp_path / "go" / "Dockerfile"
    go.parent.mkdir()
    go.write_text("FROM golang:1.22 AS b\nRUN CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n")
    plain = run_in_fresh_process(["lint", str(go)], tmp_path / "cache")
    assert not {"kb.lint.loaderpath", "kb.lint.pkgcross"} & set(plain["modules"])
    lib64 = tmp_path / "lib64" / "Dockerfile"
    lib64.parent.mkdir()
    lib64.write_text("FROM alpine:3.20 AS b\nRUN apk add build-base cmake\nCOPY . /src\n"
                     "RUN cmake -S /src -B /b -DBUILD_SHARED_LIBS=ON -DCMAKE_INSTALL_LIBDIR=lib64 && "
                     "cmake --build /b && DESTDIR=/out cmake --install /b\n"
                     "FROM alpine:3.20\nCOPY --from=b /out/ /\nCMD [\"/usr/local/bin/app\"]\n")
    found = run_in_fresh_process(["lint", "--context", str(lib64.parent), str(lib64)], tmp_path / "cache")
    assert "kb.lint.loaderpath" in found["modules"]
    assert "MI496" in found["output"], found["output"]


def _flagged_examples(module: str):
    """(rule, example) for every example of a rule the on-demand module `module` registers that the rule flags."""
    import kb
    from kb.lint import ON_DEMAND

    names = ON_DEMAND[module][0]
    knowledge = kb.load().knowledge
    return [(rule, ex) for rule in knowledge.lints.values() if rule.name in names for ex in rule.examples
            if ex.flagged]


def _write_example(ex, directory: Path) -> Path:
    directory.mkdir(parents=True)
    for name, content in (ex.files or {}).items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(content)
    (directory / "Dockerfile").write_text(ex.dockerfile)
    return directory / "Dockerfile"


def test_every_flagged_example_of_an_on_demand_check_passes_its_guard(tmp_path):
    """kb.lint.ON_DEMAND's guards hold for every Dockerfile the rules' own examples say their checks flag: a guard
    that refused one would leave its check unloaded and the finding unsaid, in a process that linted nothing else."""
    import kb
    from kb.evidence.dockerfile_parse import parse_dockerfile_text
    from kb.lint import ON_DEMAND
    from kb.lint.stages import Analysis

    knowledge = kb.load().knowledge
    checked = 0
    for module, (_names, needed) in ON_DEMAND.items():
        examples = _flagged_examples(module)
        assert examples, f"no flagged example for the checks of kb/lint/{module}.py"
        for i, (rule, ex) in enumerate(examples):
            path = _write_example(ex, tmp_path / f"{module}-{i}")
            analysis = Analysis(knowledge, parse_dockerfile_text(ex.dockerfile, "Dockerfile"), str(path.parent))
            assert needed(analysis), f"kb.lint.ON_DEMAND[{module!r}] refuses {rule.id}'s example (line {ex.line})"
            checked += 1
    assert checked >= 2 * len(ON_DEMAND)


PLAIN = {  # plain Dockerfiles, and the only on-demand check modules each may import
    # scratch has no zone data: a Go program that loads a named zone fails there (MI418, kb/lint/zonedata.py)
    "go": ("FROM golang:1.22 AS b\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app .\n"
           "FROM scratch\nCOPY --from=b /app /app\nENTRYPOINT [\"/app\"]\n", ("zonedata",)),
    # pip installs a package that may open a system library (MI470, kb/lint/loads.py): that one it needs
    "python": ("FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\n"
               "RUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD [\"python\", \"main.py\"]\n",
               ("loads",)),
}


@pytest.mark.parametrize("kind", PLAIN)
def test_a_plain_dockerfile_imports_no_check_it_cannot_need(tmp_path, kind):
    from kb.lint import ON_DEMAND

    text, needed = PLAIN[kind]
    path = tmp_path / kind / "Dockerfile"
    path.parent.mkdir()
    path.write_text(text)
    (path.parent / "requirements.txt").write_text("flask==3.0.0\n")
    done = run_in_fresh_process(["lint", "--format", "json", str(path)], tmp_path / "cache")
    assert done["status"] == 0, done["output"]
    loaded = {m.rpartition(".")[2] for m in done["modules"] if m.startswith("kb.lint.")}
    assert {"stages", "checks"} <= loaded
    assert loaded & set(ON_DEMAND) == set(needed)


@pytest.mark.parametrize("module", ["appbundles", "loads", "ldcache", "sonames", "argscope"])
def test_a_dockerfile_that_needs_an_on_demand_check_loads_it_and_gets_its_finding(tmp_path, module):
    rule, ex = _flagged_examples(module)[0]
    path = _write_example(ex, tmp_path / "ctx")
    done = run_in_fresh_process(["lint", "--format", "json", "--context", str(path.parent), str(path)],
                                tmp_path / "cache")
    assert f"kb.lint.{module}" in done["modules"]
    found = [f["rule"] for r in json.loads(done["output"])["files"] for f in r["findings"]]
    assert rule.id in found, (rule.id, found)


def test_a_python_dockerfile_and_its_requirements_are_read_without_a_json_decoder(tmp_path):
    """kb/evidence/ecosystems.py imports json only to read a package.json or a lockfile (a millisecond of a one-file
    lint of a Python Dockerfile, whose requirements.txt needs none)."""
    path = tmp_path / "Dockerfile"
    path.write_text(PLAIN["python"][0])
    (tmp_path / "requirements.txt").write_text("opencv-python==4.9.0.80\nflask==3.0.0\n")
    code = ("import sys\nfrom shell.cli import main\n"
            f"status = main(['lint', '--quiet', {str(path)!r}])\n"
            "sys.stderr.write(f'{status} {\"json\" in sys.modules} {\"kb.evidence.ecosystems\" in sys.modules}')\n")
    env = {"PATH": "/usr/bin:/bin", "MINIMAGE_CACHE_DIR": str(tmp_path / "cache"), "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
    assert "MI470" in done.stdout, done.stdout + done.stderr  # opencv-python's libGL: the requirements were read
    assert done.stderr.split()[-3:] == ["0", "False", "True"], done.stderr  # MI470 warns: status 0
