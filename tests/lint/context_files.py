"""Lint a Dockerfile's text with a build context made of the files a test names (shared by the lint tests)."""
from kb.lint import lint_text


def lint_with_files(knowledge, text, files=None, tmp_path=None, ignore=()):
    """The findings of `text`; `files` (name -> content) are written into `tmp_path`, the build context (none if
    `files` is None)."""
    context = None
    if files is not None:
        for name, content in files.items():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_text(content)
        context = str(tmp_path)
    return lint_text(knowledge, text, context_dir=context, ignore=ignore)


def findings_of(knowledge, text: str, rule: str, context: str | None = None) -> list:
    """The findings of rule `rule` for `text`, with `context` (a directory) as the build context."""
    return [f for f in lint_text(knowledge, text, context_dir=context) if f.rule == rule]


def write_context(tmp_path, files: dict) -> str:
    """`files` (name -> content) written into `tmp_path`; the directory, to pass as the build context."""
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return str(tmp_path)
