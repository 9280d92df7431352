"""Inputs the benchmarks build once and keep under build/benchmarks/: a small C program, and a static musl program
with BIG_SYMBOLS functions (the symbol table a large static program has; compiling it takes about a minute)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

from .timing import ROOT

BUILD = ROOT / "build" / "benchmarks"
BIG_SYMBOLS = 200_000
HELLO = '#include <stdio.h>\nint main(void){puts("hi");return 0;}\n'


def _compile(cc: str, source: str, out: str, *flags: str) -> str:
    target = BUILD / out
    if target.exists():
        return str(target)
    compiler = shutil.which(cc)
    if compiler is None:
        sys.exit(f"{cc} is not installed: it builds {out} for the benchmarks (apt-get install gcc musl-tools)")
    BUILD.mkdir(parents=True, exist_ok=True)
    src = BUILD / f"{out}.c"
    src.write_text(source)
    tmp = BUILD / f".{out}.tmp"
    subprocess.run([compiler, "-O0", "-o", str(tmp), str(src), *flags], check=True)
    os.replace(tmp, target)  # a build cut short never leaves a half-written binary under the final name
    src.unlink()
    return str(target)


def hello_binary() -> str:
    """A dynamically linked C program (glibc): what `inspect FILE` usually looks at."""
    return _compile("gcc", HELLO, "hello")


def big_source(count: int = BIG_SYMBOLS) -> str:
    """`count` distinct functions, all kept by the linker (a table refers to each), and a main that calls one."""
    parts = [f"int f{i}(int x){{return x+{i};}}\n" for i in range(count)]
    parts.append("int (*table[])(int) = {" + ",".join(f"f{i}" for i in range(count)) + "};\n")
    parts.append("int main(int argc, char **argv){(void)argv; return table[argc](argc) & 1;}\n")
    return "".join(parts)


def big_musl_binary() -> str:
    """A static musl program with BIG_SYMBOLS symbols of its own besides musl's, not stripped."""
    if (BUILD / "musl-200k").exists():
        return str(BUILD / "musl-200k")
    print(f"building a static musl program with {BIG_SYMBOLS:,} functions (once; about a minute)", file=sys.stderr)
    return _compile("musl-gcc", big_source(), "musl-200k", "-static")
