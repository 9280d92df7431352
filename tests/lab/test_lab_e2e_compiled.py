"""The compiled languages' scenarios of the end-to-end matrix, short of the engine: what they consult and the build
context each plan's Dockerfile gets."""
import shutil

import pytest

from lab import e2e
from lab import e2e_compiled as EC


def test_the_go_cgo_context_is_the_go_net_sample_plus_sqlite(tmp_path):
    e2e._context(e2e.BY_NAME["go-cgo-sqlite"], tmp_path / "ctx")
    files = sorted(p.name for p in (tmp_path / "ctx").iterdir())
    assert files == ["checks.go", "go.mod", "go.sum", "main.go", "sqlite.go"]
    assert "require github.com/mattn/go-sqlite3 v1.14.16" in (tmp_path / "ctx" / "go.mod").read_text()
    assert 'const checks = "net,tls,tz,user"' in (tmp_path / "ctx" / "checks.go").read_text()


def test_the_prebuilt_scenario_inspects_the_binary_its_context_holds(tmp_path):
    if not shutil.which("g++"):
        pytest.skip("g++ not installed")
    scenario = e2e.BY_NAME["prebuilt-cpp"]
    assert scenario.argv[:2] == ["inspect", EC.BINARY]
    e2e._context(scenario, tmp_path / "ctx")
    assert (tmp_path / "ctx" / EC.BINARY).read_bytes() == e2e.prebuilt(scenario).read_bytes()
    plans = e2e.consult(scenario)["plans"]
    as_is = [p["final_image"] for p in plans if p["strategy"] == "prebuilt-binary"]
    assert "gcr.io/distroless/cc-debian13" in as_is
    dockerfile = e2e.ask(scenario, "--format", "dockerfile", "--plan",
                         str(next(p["rank"] for p in plans if p["strategy"] == "prebuilt-binary")))
    assert f"COPY {EC.BINARY} /app" in dockerfile


def test_a_missing_compiler_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(EC.PREBUILT, "prebuilt-cpp", ["no-such-compiler-here", "main.cpp"])
    with pytest.raises(EC.PrebuiltError, match="no-such-compiler-here is not installed"):
        EC.build_prebuilt("prebuilt-cpp", tmp_path)
