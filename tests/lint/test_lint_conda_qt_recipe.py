"""conda's Qt 5 and PyQt5 (qt, qt-main, pyqt) open the system's libGL.so.1 (anaconda/docker-images#49), and a conda
install of a package whose conda-build recipe is in the build context brings the recipe's run requirements
(kb/lint/conda.py `recipe_via`): Open-MSS/MSS's `conda install mss` on continuumio/miniconda3, whose meta.yaml
requires pyqt 5.* and qt 5.*, stopped with "ImportError: libGL.so.1" (Open-MSS/MSS#362). Each test says what a user
sees: MI490 (an image lint does not know) or MI470 (one it knows), or nothing."""
from __future__ import annotations

import pytest

from tests.bounded import within
from tests.lint.context_files import lint_with_files

MSS_RECIPE = """{% set version = load_setup_py_data().version %}


package:
  name: mss
  version: {{ version }}

build:
  entry_points:
    - mswms = mslib.mswms.mswms:main

requirements:
  build:
    - python
    - future
    - menuinst  # [win]
  run:
    - python
    - menuinst  # [win]
    - basemap 1.1.*
    - netcdf4
    - pyqt 5.*
    - qt 5.*
    - scipy
    - future # [py2k]

test:
  imports:
    - mslib
"""

MSS = """FROM continuumio/miniconda3
RUN apt-get --yes update
RUN conda config --add channels conda-forge
RUN conda config --add channels defaults
RUN conda install mss -y
ENV PYTHONPATH="/srv/mss:/root/mss"
CMD mswms --port 18081
"""


def lint(knowledge, text, files=None, tmp_path=None):
    with within():
        return [f for f in lint_with_files(knowledge, text, files, tmp_path) if f.rule in ("MI470", "MI490")]


def test_mss_conda_install_names_pyqt_from_the_recipe_and_libgl(knowledge, tmp_path):
    [f] = lint(knowledge, MSS, {"meta.yaml": MSS_RECIPE}, tmp_path)
    assert (f.rule, f.severity, f.line) == ("MI490", "warning", 5)
    assert f.message.startswith("pyqt (a dependency of mss) opens libGL.so.1 from the system when imported")
    assert "continuumio/miniconda3 is not an image lint knows" in f.message
    assert 'expect "ImportError: libGL.so.1: cannot open shared object file"' in f.message
    assert "apt-get install -y --no-install-recommends libgl1 in this stage" in f.fix
    assert "conda install libgl" in f.fix and "qt-main 5.15.8 build 25" in f.fix
    assert "anaconda/docker-images#49" in f.sources and "Open-MSS/MSS#362" in f.sources


def test_the_fixed_mss_file_is_quiet(knowledge, tmp_path):
    """Open-MSS/MSS 21c194f: apt-get install libgl1-mesa-glx before the conda install."""
    fixed = MSS.replace("RUN apt-get --yes update\n", "RUN apt-get --yes update\n"
                        "RUN apt-get --yes install libgl1-mesa-glx python-xpyb libx11-xcb1 libxi6\n")
    assert lint(knowledge, fixed, {"meta.yaml": MSS_RECIPE}, tmp_path) == []


@pytest.mark.parametrize("where", ["meta.yaml", "recipe/meta.yaml", "conda.recipe/meta.yaml"])
def test_the_recipe_is_read_where_conda_build_keeps_it(knowledge, tmp_path, where):
    assert [f.rule for f in lint(knowledge, MSS, {where: MSS_RECIPE}, tmp_path)] == ["MI490"]


def test_without_the_recipe_mss_brings_nothing_lint_knows(knowledge, tmp_path):
    assert lint(knowledge, MSS, {"setup.py": "from setuptools import setup\nsetup(name='mss')\n"}, tmp_path) == []
    assert lint(knowledge, MSS) == []


def test_a_recipe_of_another_package_is_not_what_the_install_brings(knowledge, tmp_path):
    other = MSS.replace("conda install mss -y", "conda install -y scipy netcdf4")
    assert lint(knowledge, other, {"meta.yaml": MSS_RECIPE}, tmp_path) == []
    renamed = MSS_RECIPE.replace("name: mss", "name: mss-server")
    assert lint(knowledge, MSS, {"meta.yaml": renamed}, tmp_path / "renamed") == []


@pytest.mark.parametrize("run,found", [
    ("    - pyqt  # [win]\n", False),
    ("    - pyqt  # [osx or win]\n", False),
    ("    - pyqt  # [not linux]\n", False),
    ("    - pyqt  # [not win]\n", True),
    ("    - pyqt  # [linux and py3k]\n", True),
    ("    - {{ pin_compatible('pyqt') }}\n", False),
    ("    - pyqt >=5.12\n", True),
])
def test_selectors_and_jinja_of_the_run_list(knowledge, tmp_path, run, found):
    recipe = ('{% set name = "MyTool" %}\npackage:\n  name: {{ name|lower }}\nrequirements:\n  host:\n'
              "    - pyqt\n  run:\n    - python\n" + run + "test:\n  requires:\n    - pyqt\n")
    text = "FROM continuumio/miniconda3\nRUN conda install -y -c conda-forge mytool\n"
    assert bool(lint(knowledge, text, {"recipe/meta.yaml": recipe}, tmp_path)) is found


@pytest.mark.parametrize("spec", ["pyqt", "\"pyqt=5.12\"", "qt=5.9", "qt-main", "conda-forge::pyqt>=5"])
def test_conda_qt_on_a_debian_image_without_libgl(knowledge, spec):
    text = ("FROM debian:bookworm-slim\nCOPY --from=continuumio/miniconda3:24.7.1-0 /opt/conda /opt/conda\n"
            f"RUN /opt/conda/bin/conda install -y -c conda-forge {spec}\nCMD [\"/opt/conda/bin/python\", \"app.py\"]\n")
    [f] = lint(knowledge, text)
    assert (f.rule, f.severity, f.line) == ("MI470", "warning", 3)
    assert "libGL.so.1" in f.message and "debian:bookworm-slim lacks it" in f.message
    quiet = text.replace("RUN /opt/conda", "RUN apt-get update && apt-get install -y libgl1 && /opt/conda", 1)
    assert lint(knowledge, quiet) == []


@pytest.mark.parametrize("extra", ["libgl", "libgl-devel", "conda-forge::libgl"])
def test_conda_forge_libgl_in_the_same_install_is_libgl(knowledge, extra):
    text = f"FROM continuumio/miniconda3\nRUN conda install -y -c conda-forge pyqt {extra}\n"
    assert lint(knowledge, text) == []


def test_conda_packages_that_open_nothing_stay_quiet(knowledge):
    assert lint(knowledge, "FROM continuumio/miniconda3\nRUN conda install -y -c conda-forge scipy pyqtgraph\n") == []


def test_a_hostile_recipe_is_read_in_linear_time(knowledge, tmp_path):
    """a selector of 100,000 words, a line of 40,000 unclosed Jinja sets, 4,000 run items: under the 1 MiB
    read cap, read in linear time, and the pyqt after them still found."""
    hostile = ("{% set a = '" * 40_000 + "\n" + "package:\n  name: tool\nrequirements:\n  run:\n"
               + "    - a # [" + "not " * 100_000 + "\n" + "    - numpy\n" * 4_000 + "    - pyqt\n")
    assert len(hostile) < 1 << 20
    text = "FROM continuumio/miniconda3\nRUN conda install -y tool\n"
    assert [f.rule for f in lint(knowledge, text, {"meta.yaml": hostile}, tmp_path)] == ["MI490"]
