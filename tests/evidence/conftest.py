"""Shared fixtures: compile small real programs once per session (skipped when the toolchain is missing)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

C_HELLO = '#include <stdio.h>\nint main(void){puts("hi");return 0;}\n'
CXX_HELLO = ('#include <iostream>\n#include <string>\n'
             'int main(){std::string s="hi"; std::cout<<s<<std::endl; return 0;}\n')
GO_NET = ('package main\n\nimport (\n\t"fmt"\n\t"net"\n)\n\n'
          'func main() { a, _ := net.LookupHost("localhost"); fmt.Println(a) }\n')


class Builder:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.cache: dict[str, Path] = {}

    def need(self, tool: str) -> str:
        exe = shutil.which(tool)
        if not exe:
            pytest.skip(f"{tool} not installed (apt-get install gcc g++ musl-tools golang-go)")
        return exe

    def run(self, argv, cwd=None, env=None) -> None:
        p = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            pytest.fail(f"build failed: {' '.join(argv)}\n{p.stdout}\n{p.stderr}")

    def c(self, name: str, cc: str, src: str, ext: str, *flags: str) -> Path:
        if name in self.cache:
            return self.cache[name]
        exe = self.need(cc)
        s = self.root / f"{name}{ext}"
        s.write_text(src)
        out = self.root / name
        self.run([exe, "-O1", "-o", str(out), str(s), *flags])
        self.cache[name] = out
        return out

    def go(self, name: str, cgo: str, *args: str) -> Path:
        if name in self.cache:
            return self.cache[name]
        exe = self.need("go")
        if cgo == "1":
            self.need("gcc")
        d = self.root / f"go_{name}"
        d.mkdir(exist_ok=True)
        (d / "main.go").write_text(GO_NET)
        (d / "go.mod").write_text("module example.com/gonet\n\ngo 1.19\n")
        env = dict(os.environ, CGO_ENABLED=cgo, GOFLAGS="-mod=mod", GOTOOLCHAIN="local", GOPROXY="off",
                   HOME=str(self.root), GOCACHE=str(self.root / "gocache"), GOPATH=str(self.root / "gopath"))
        out = self.root / name
        self.run([exe, "build", *args, "-o", str(out), "."], cwd=d, env=env)
        self.cache[name] = out
        return out


@pytest.fixture(scope="session")
def builder(tmp_path_factory) -> Builder:
    return Builder(tmp_path_factory.mktemp("elfbuild"))
