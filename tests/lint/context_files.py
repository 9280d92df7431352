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
