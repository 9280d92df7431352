"""Which shell assignments a RUN's build commands see in their environment (MI498).

A RUN is one `sh -c` script. `NAME=value cmd` puts NAME into cmd's environment only; `NAME=value` with no command
after it sets a shell variable, which later commands get in their environment only when NAME was exported: by
`export NAME`, `export NAME=value`, `set -a` before it, or because NAME already was in the environment (an ENV, an ARG
of the stage). So in `CGO_ENABLED=0 GOOS=linux && go build` go build never sees CGO_ENABLED: the shell expands
$CGO_ENABLED in a later word, but the go command reads its configuration from its environment (POSIX, Shell Command
Language 2.9.1 "Simple Commands": assignments before no command name "shall affect the current execution
environment", before a command "shall be exported for the execution environment of the command"; checked with dash
and bash: `X=1 && sh -c 'echo ${X:-unset}'` prints unset, `export X=1 && ...` and `X=1 sh -c ...` print 1).

:func:`ShellVars.tool_env` gives a build command the environment it really gets: the walk's variables minus the
shell-only ones the tool reads from its environment (so cgo's default decides, not the lost CGO_ENABLED=0); each
such loss is kept, with the command, for MI498 (kb/lint/unexported.py).
"""
from __future__ import annotations

from .shellwords import expand, is_assignment

#: what the build tools read from their environment, by the command that reads them (a name, or a prefix ending "*")
READS = {
    "go": ("CGO_ENABLED", "CGO_CFLAGS", "CGO_LDFLAGS", "GOOS", "GOARCH", "GOARM", "GOAMD64", "GOFLAGS", "GOPROXY",
           "GOPRIVATE", "GONOSUMDB", "GO111MODULE", "GOBIN", "GOPATH", "GOTOOLCHAIN", "CC", "CXX"),
    "cargo": ("RUSTFLAGS", "CARGO_*", "CC", "CXX", "CFLAGS", "CXXFLAGS", "PKG_CONFIG_*", "OPENSSL_*", "*_STATIC",
              "*_LIB_DIR", "*_NO_VENDOR"),
    "cc": ("CC", "CXX", "CFLAGS", "CXXFLAGS", "CPPFLAGS", "LDFLAGS", "PKG_CONFIG_*"),
}
#: commands that read the "cc" variables: configure scripts, cmake, meson, make
CC_READERS = {"./configure", "configure", "cmake", "meson", "make", "gmake"}
#: the key under which tool_env passes a lost CGO_ENABLED assignment to go_build (no shell name has a space)
LOST = "lost CGO_ENABLED"
#: values a lost assignment would have given anyway on a Linux builder: not worth a finding
_HARMLESS = {("GOOS", "linux")}


def _reads(names: tuple, name: str) -> bool:
    return any(name == n or n.endswith("*") and name.startswith(n[:-1]) or n.startswith("*") and
               name.endswith(n[1:]) for n in names)


def reader(prog: str, argv: list[str]) -> str | None:
    """The READS key of a build command, or None."""
    if prog == "go" and len(argv) > 1 and argv[1] in ("build", "install", "run", "test", "generate"):
        return "go"
    if prog == "cargo" and len(argv) > 1:
        return "cargo"
    return "cc" if prog in CC_READERS else None


class ShellVars:
    """The shell-only variables of one RUN script, as its simple commands are walked in order."""

    __slots__ = ("environment", "shell", "allexport", "lost", "line")

    def __init__(self, environment: dict, lost: list, line: int):
        self.environment = environment  # what the RUN starts with in its environment (ENV, ARG)
        self.shell: dict = {}  # name -> the assignment (value expanded), for a variable set but not exported
        self.allexport = False
        self.lost, self.line = lost, line  # (line, command argv, {name: assignment}) appended for each loss

    def assign(self, assigns: dict) -> None:
        """NAME=value ... with no command after it."""
        for k, v in assigns.items():
            if self.allexport or k in self.environment:
                self.shell.pop(k, None)
            else:
                self.shell[k] = f"{k}={v}"

    def command(self, argv: list[str]) -> None:
        """export, declare -x, set -a: what a builtin changes about exporting."""
        if not argv:
            return
        if argv[0] == "export" or argv[0] in ("declare", "typeset") and "-x" in argv[1:]:
            for w in argv[1:]:
                self.shell.pop(w.partition("=")[0], None)
        elif argv[0] == "set" and ("-a" in argv or "allexport" in argv):
            self.allexport = True

    def tool_env(self, prog: str, argv: list[str], env: dict, prefix: dict) -> dict:
        """`env` (the walk's variables with the command's own `prefix` assignments) without the shell-only variables
        this build command reads from its environment; the loss is recorded."""
        tool = reader(prog, argv) if self.shell else None
        if tool is None:
            return env
        gone = {k: w for k, w in self.shell.items() if _reads(READS[tool], k) and k not in prefix}
        if not gone:
            return env
        if any((k, env.get(k)) not in _HARMLESS and "go env" not in w for k, w in gone.items()):
            self.lost.append((self.line, argv, gone))
        out = {k: v for k, v in env.items() if k not in gone}
        if "CGO_ENABLED" in gone:
            out[LOST] = gone["CGO_ENABLED"]
        return out



def prefix_assignments(argv: list[str], local: dict) -> tuple[list[str], dict]:
    """(the command without its leading NAME=value words and `env`, those assignments with values expanded)."""
    assigns = {}
    while argv and (is_assignment(argv[0]) or argv[0] == "env"):
        if argv[0] != "env":
            k, _, v = argv[0].partition("=")
            assigns[k] = expand(v, local, "")
        argv = argv[1:]
    return argv, assigns

