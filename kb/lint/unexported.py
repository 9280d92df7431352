"""MI498: a build variable a RUN assigns without exporting it, which the build command after it never sees
(kb/lint/shellvars.py keeps each loss as the walk meets it): what the loss changes, named from the program the
command built (a lost CGO_ENABLED=0 where cgo is on: linked dynamically against the builder's C library)."""
from __future__ import annotations

from ..detectors import detector
from .checks import _describe
from .results import Hit


def _effect(a, line: int, command: str, gone: dict) -> str | None:
    """What the lost assignments change, or None when nothing lint can name (CGO_ENABLED=0 lost where cgo is off
    by default anyway)."""
    if "CGO_ENABLED" not in gone:
        return f"{command} runs with its defaults for them"
    built = next((f for info in a.stages for f in info.files.values() if f.lang == "go" and f.line == line), None)
    if built is None or built.go_cgo is not None:
        return None if built is not None else f"{command} runs with CGO_ENABLED unset, cgo's default"
    if built.linkage == "static":
        return None if gone["CGO_ENABLED"] in ("CGO_ENABLED=0", "CGO_ENABLED='0'") else \
            f"{command} runs with CGO_ENABLED unset ({built.why})"
    glibc = f" {built.builder_glibc}" if built.linkage == "glibc" and built.builder_glibc else ""
    return (f"{built.why}: {_describe(built)} is linked dynamically against {built.linkage}{glibc} of "
            f"{built.builder}, not static, and runs only where the final image has that C library"
            + (" at that version or newer" if glibc else ""))


@detector("lint", "unexported-build-variable")
def check_unexported_build_variable(a, rule):
    for info in a.stages:
        for line, argv, gone in info.lost_env:
            command = " ".join(argv[:2]) if argv[0] in ("go", "cargo") or argv[0].endswith("/go") else argv[0]
            effect = _effect(a, line, command, gone)
            if effect is None:
                continue
            yield Hit(line, {"assigned": " ".join(gone.values()), "command": command, "effect": effect,
                             "names": ", ".join(gone), "first": next(iter(gone.values()))})
