"""The house's layout: no import loops in kb/ or shell/, and every command of the table reachable from `--help` and
from the library API (kb.RuleBase)."""
from __future__ import annotations

import ast
import io
import subprocess
import sys
from pathlib import Path

import pytest

import kb
from shell.cli import Env, main
from shell.commands import DEFAULT, NAMES, table

TABLE = table()
COMMANDS = {m.NAME: m for m in TABLE}

REPO = Path(__file__).resolve().parent.parent


# -- import loops -------------------------------------------------------------------------------------------------------


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The project modules `path` imports, anywhere in it: at module level, inside functions (an import there still
    runs, later) and under `if TYPE_CHECKING:` (read strictly: a loop there is a loop a type checker walks). `from P
    import M` counts as importing P (its __init__ runs) and P.M."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                for alias in child.names:
                    out.add(alias.name)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")
                    anchor = anchor[:len(anchor) - (child.level - 1)]
                    base = ".".join([*anchor, *([base] if base else [])])
                out.add(base)
                out.update(f"{base}.{alias.name}" for alias in child.names)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return {m for m in out if m in modules and m != name}


def import_graph(package: str) -> dict[str, set[str]]:
    files = sorted((REPO / package).rglob("*.py"))
    modules = {module_name(f) for f in files}
    return {module_name(f): imports_of(f, modules) for f in files}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import loop as [a, b, ..., a], or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := walk(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := walk(start)):
            return found
    return None


def test_the_cycle_finder_finds_a_loop_and_reads_relative_imports(tmp_path):
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
    graph = import_graph("shell")
    assert "shell.common" in graph["shell.commands.consult"]  # from ..common import ...
    assert "shell.render" in graph["shell.commands.rules"]  # from .. import render, inside run()
    assert "shell.chat" in graph["shell.commands.consult"]  # lazy imports count
    assert "shell.commands" in graph["shell.cli"]


@pytest.mark.parametrize("package", ["shell", "kb"])
def test_no_import_loops(package):
    cycle = find_cycle(import_graph(package))
    assert cycle is None, f"import loop in {package}/: {' -> '.join(cycle)}"


def test_the_shell_imports_downwards_only():
    graph = import_graph("shell")
    assert graph["shell.common"] <= {"shell", "shell.render", "shell.output", "shell.answers", "shell.jsontext",
                                     "shell.quickargs"}
    for bottom in ("shell.render", "shell.output", "shell.answers", "shell.jsontext", "shell.quickargs"):
        assert not {m for m in graph[bottom] if m.startswith("shell.")} - {"shell.jsontext"}, bottom
    assert not [m for m in graph["shell.jsontext"] if m.startswith(("shell", "kb"))]
    importers_of_cli = [m for m, deps in graph.items() if "shell.cli" in deps]
    assert importers_of_cli == ["shell.start"]  # the entry point (`minimage-ask`, `python -m shell`)


def test_no_module_in_shell_is_over_400_lines():
    long = {str(f.relative_to(REPO)): n for f in (REPO / "shell").rglob("*.py")
            if (n := len(f.read_text(encoding="utf-8").splitlines())) > 400}
    assert not long


# -- the command table --------------------------------------------------------------------------------------------------


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    environ = {"PATH": "/nonexistent"}  # verify finds no docker command, so it never builds anything
    code = main(list(argv), Env(stdin=io.StringIO(), stdout=out, stderr=err, stdin_isatty=False,
                                stdout_isatty=False, environ=environ, history_path=None))
    return code, out.getvalue(), err.getvalue()


def test_the_table_lists_each_command_once_with_its_parts():
    assert DEFAULT == "consult" and list(COMMANDS) == list(NAMES)  # each module's NAME is its name in the table
    assert set(COMMANDS) == {"consult", "inspect", "lint", "diagnose", "verify", "rules"}
    for m in TABLE:
        assert m.HELP and "\n" not in m.HELP and callable(m.parser) and callable(m.run), m.NAME


def test_top_level_help_lists_every_command_of_the_table():
    code, out, _ = run("--help")
    assert code == 0
    for m in TABLE:
        assert f"  {m.NAME}  " in out and m.HELP in out


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_has_help_with_examples(name):
    code, out, _ = run(name, "--help")
    assert code == 0 and f"usage: minimage-ask" in out and "examples:" in out


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_is_a_front_end_of_the_library_api(name, monkeypatch):
    """Each command names the RuleBase methods it fronts; they exist, and running the command calls them."""
    module = COMMANDS[name]
    assert module.API and all(callable(getattr(kb.RuleBase, m, None)) for m in module.API), module.API
    called: list[str] = []
    for method in module.API:
        original = getattr(kb.RuleBase, method)

        def spy(self, *a, _name=method, _original=original, **k):
            called.append(_name)
            return _original(self, *a, **k)

        monkeypatch.setattr(kb.RuleBase, method, spy)
    argv = {"consult": ["--answer", "language=go"], "inspect": [str(REPO / "tests")],
            "lint": [str(REPO / "tests" / "lint" / "fixtures" / "article-c-static" / "Dockerfile")],
            "diagnose": ["x509: certificate signed by unknown authority"],
            "verify": ["/bin/sh", "--answer", "tls=no"], "rules": ["MI401"]}[name]
    run(name, *argv)
    assert called, f"`minimage-ask {name}` called none of {module.API}"


def test_a_consultation_imports_no_other_command():
    probe = ("import sys, io; from shell.cli import Env, main; "
             "main(['--answer', 'language=c', '--format', 'json'], Env(stdout=io.StringIO())); "
             "print(sorted(m for m in sys.modules if m.startswith('shell.commands.')))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.stdout.split() == ["['shell.commands.consult']"], done.stderr


def test_global_options_may_come_before_the_command(tmp_path):
    own = REPO / "tests" / "rulefiles" / "my-image.yaml"
    code, out, _ = run("--rules", str(own), "--debug", "rules", "--format", "json")
    code2, out2, _ = run("rules", "--rules", str(own), "--format", "json")
    code3, out3, _ = run(f"--rules={own}", "rules", "--format", "json")
    assert code == code2 == code3 == 0 and out == out2 == out3
    assert run("--rules", str(tmp_path / "missing.yaml"), "rules")[0] == 2
    assert run("consult", "--answer", "language=go") == run("--answer", "language=go")  # consult is the default


# -- one error hierarchy, one exit-status table -------------------------------------------------------------------------


def test_every_library_error_is_a_minimage_error():
    from kb.diagnose import DiagnoseInputError
    from kb.engine import EngineError
    from kb.evidence.errors import EvidenceError
    from shell.common import UsageError

    for cls in (kb.RuleFileError, kb.UnknownFact, kb.InvalidAnswer, EvidenceError, DiagnoseInputError, EngineError,
                UsageError):
        assert issubclass(cls, kb.MinimageError), cls
    assert issubclass(DiagnoseInputError, ValueError) and issubclass(EngineError, RuntimeError)


@pytest.mark.parametrize("argv,status,message", [
    (["inspect", "/nonexistent/x"], 2, "Error: /nonexistent/x: "),  # EvidenceError
    (["diagnose", " "], 2, "Error: no text to diagnose"),  # DiagnoseInputError
    (["--answer", "language=cobol"], 2, "Error: --answer language=cobol: 'cobol' is not an answer"),  # InvalidAnswer
    (["rules", "XX1"], 2, "Error: unknown rule or source XX1"),  # UsageError
])
def test_errors_are_one_line_on_stderr_with_the_status_of_the_table(argv, status, message):
    code, _, err = run(*argv)
    assert code == status and err.startswith(message) and err.count("\n") == 1 and "Traceback" not in err


def test_an_internal_error_is_status_70_and_its_traceback_needs_debug(monkeypatch, tmp_path):
    def broken(self, *a, **k):
        raise kb.EngineError("a rule action failed: boom")

    monkeypatch.setenv("MINIMAGE_CACHE_DIR", str(tmp_path))  # no result stored by another test (kb/result_store.py)
    monkeypatch.setattr(kb.RuleBase, "run", broken)
    code, _, err = run("--answer", "language=go")
    assert code == 70 and err.startswith("Error: internal error: EngineError: a rule action failed: boom")
    with pytest.raises(kb.EngineError):
        run("--debug", "--answer", "language=go")


def test_the_architecture_page_names_every_module_and_only_real_ones():
    """docs/ARCHITECTURE.md uses the code's names: each kb/ and shell/ module is on it, and every path it names
    exists."""
    page = (REPO / "docs" / "ARCHITECTURE.md").read_text()
    import re

    named = set(re.findall(r"`((?:kb|shell)/[\w/]+(?:\.py|/))`", page))
    assert named, "the page names no module"
    missing = sorted(p for p in named if not (REPO / p).exists())
    assert missing == [], f"named on the page but not in the code: {missing}"
    for package in ("kb", "shell"):
        for path in sorted((REPO / package).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            if path.name in ("__init__.py", "__main__.py"):
                continue
            folder = f"{path.parent.relative_to(REPO).as_posix()}/"
            mentioned = rel in page or folder in page and (path.name in page or f"`{path.stem}`" in page)
            assert mentioned, f"{rel} is not on docs/ARCHITECTURE.md"
