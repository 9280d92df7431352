"""Class: a broken durable-rules install (Python 3.13 with a wheel built without the compile flag). The set-up
never installs such a wheel, and the tool's error says how to repair it instead of a traceback or 'internal'."""
import os
import subprocess
import sys
import textwrap

from .conftest import ROOT, TIMEOUT


def test_the_setup_builds_durable_rules_from_source_with_the_flag_never_from_a_cache():
    setup = (ROOT / "scripts" / "setup").read_text()
    build = next(line for line in setup.splitlines() if "--no-binary durable-rules" in line)
    assert "--no-cache-dir" in build and "--force-reinstall" in build
    assert 'CPPFLAGS="${CPPFLAGS:-} -DPyEval_CallObject=PyObject_CallObject"' in setup
    assert setup.index("--no-binary durable-rules") < setup.index("pip install -q -e")


def test_an_import_error_of_durable_names_the_fix(tmp_path):
    code = textwrap.dedent("""
        import builtins, io, sys
        real = builtins.__import__
        def fake(name, *a, **k):
            if name.startswith("durable"):
                raise ImportError("durable_rules_engine.so: undefined symbol: PyEval_CallObject")
            return real(name, *a, **k)
        builtins.__import__ = fake
        from shell.cli import Env, main
        err = io.StringIO()
        status = main(["--answer", "language=go", "--answer", "cgo=no"],
                      Env(stdin=io.StringIO(), stdout=io.StringIO(), stderr=err, stdin_isatty=False))
        sys.stdout.write(f"{status}\\n{err.getvalue()}")
    """)
    # a cache of its own: a result stored by another test would answer without durable-rules (kb/result_store.py)
    env = {**os.environ, "MINIMAGE_CACHE_DIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=TIMEOUT,
                          env=env)
    status, _, err = proc.stdout.partition("\n")
    assert status == "70", proc.stderr
    assert "undefined symbol: PyEval_CallObject" in err and "Python 3.13" in err
    assert "--no-binary durable-rules --force-reinstall" in err and "internal error" not in err
