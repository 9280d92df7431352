"""The README's library example runs, and prints what its comments say."""
import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_library_example_prints_what_the_readme_says():
    block = re.search(r"## Library API.*?```python\n(.*?)```", README.read_text(), re.S).group(1)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, "README.md", "exec"), {})
    printed = out.getvalue().splitlines()
    comments = dict(re.findall(r"^(print\(best\.\w+.*?\)|print\(\[r\.rule_id.*?\))\s+# (.*)$", block, re.M))
    assert printed[0] == comments["print(best.final_image, best.build_image)"]
    assert printed[1] == comments["print([r.rule_id for r in best.justification])"]
    assert printed[-3:] == ["cgo", "['MI105', 'MI107', 'MI211']", "MI211"]


def test_readme_opens_with_the_setup_and_test_commands_ci_runs():
    text = README.read_text()
    first_block = re.search(r"```sh\n(.*?)```", text, re.S).group(1).splitlines()
    commands = [line.split("#")[0].strip() for line in first_block]
    ci = (README.parent / ".ci" / "run").read_text()
    for command in commands:
        assert command in ci
