"""The problems a broken rule file gets, as the user reads them (file name as given, not the absolute path)."""
from pathlib import Path

import pytest

import kb
from kb.loader import load_knowledge


def rule_file_problems(path: Path) -> list[str]:
    with pytest.raises(kb.RuleFileError) as err:
        load_knowledge([path])
    return [str(p).replace(str(path), path.name) for p in err.value.problems]
