"""How lint reads the files a conda, mamba or micromamba step installs from (kb/lint/conda.py): which environment
file a step reads, and what in an environment.yml or a spec list is a package. Each test says what a user sees: the
MI470 of conda-forge's OpenCV (py-opencv, or opencv-python in the pip list), which opens the system libGL that a
python:3.12-slim image lacks, or its absence when lint must not see the package."""
from __future__ import annotations

import pytest


from tests.bounded import within
from tests.lint.context_files import lint_with_files

OPENCV = "name: app\ndependencies:\n  - python=3.12\n  - py-opencv\n"
NUMPY = "name: app\ndependencies:\n  - python=3.12\n  - numpy\n"


def found(knowledge, text, files=None, tmp_path=None):
    with within():
        return sorted((f.rule, f.line) for f in lint_with_files(knowledge, text, files, tmp_path,
                                                                 ignore=("MI414", "MI411")))


def conda_run(run, copy="COPY . .\n"):
    return f"FROM python:3.12-slim\nWORKDIR /app\n{copy}RUN {run}\nCMD [\"python\", \"app.py\"]\n"


# ---- which file a step reads -------------------------------------------------------------------------------------

@pytest.mark.parametrize("run", ["conda env create", "conda env update -n base", "mamba env create -n app"])
def test_conda_env_create_without_a_file_reads_environment_yml(knowledge, tmp_path, run):
    assert found(knowledge, conda_run(run), {"environment.yml": OPENCV}, tmp_path) == [("MI470", 4)]
    assert found(knowledge, conda_run(run), {"environment.yml": NUMPY}, tmp_path / "numpy") == []


@pytest.mark.parametrize("run", ["conda install -y numpy", "conda create -y -n app python=3.12",
                                 "micromamba install -y -n base numpy"])
def test_a_conda_install_without_a_file_does_not_read_environment_yml(knowledge, tmp_path, run):
    """environment.yml is conda env's default only: `conda install numpy` installs numpy, whatever the file says."""
    assert found(knowledge, conda_run(run), {"environment.yml": OPENCV}, tmp_path) == []


def test_the_file_a_step_names_is_read_instead_of_environment_yml(knowledge, tmp_path):
    run = conda_run("conda env create -f envs/gpu.yml")
    assert found(knowledge, run, {"environment.yml": NUMPY, "envs/gpu.yml": OPENCV}, tmp_path) == [("MI470", 4)]
    assert found(knowledge, run, {"environment.yml": OPENCV, "envs/gpu.yml": NUMPY}, tmp_path / "numpy") == []


@pytest.mark.parametrize("option", ["--file=/tmp/env.yml", "--file=/tmp/env=gpu.yml", "--file /tmp/env=gpu.yml"])
def test_a_file_option_with_an_equals_sign_names_the_whole_path(knowledge, tmp_path, option):
    path = option.replace("--file=", "").replace("--file ", "")
    text = conda_run(f"micromamba create -y -n app {option}", copy=f"COPY environment.yml {path}\n")
    assert found(knowledge, text, {"environment.yml": OPENCV}, tmp_path) == [("MI470", 4)]
    assert found(knowledge, text, {"environment.yml": NUMPY, "gpu.yml": OPENCV}, tmp_path / "numpy") == []


def test_an_environment_file_bind_mounted_from_the_context_is_read_by_its_name(knowledge, tmp_path):
    """no COPY put /tmp/environment.yml there (a bind mount did), and the working directory holds app/: the file is
    looked up in the context by its name, not under app/."""
    text = ("FROM python:3.12-slim\nCOPY app/ /app/\nWORKDIR /app\n"
            "RUN --mount=type=bind,source=environment.yml,target=/tmp/environment.yml "
            "conda env create -f /tmp/environment.yml\n")
    files = {"environment.yml": OPENCV, "app/main.py": "import cv2\n"}
    assert found(knowledge, text, files, tmp_path) == [("MI470", 4)]
    files = {"environment.yml": NUMPY, "app/main.py": "import cv2\n"}
    assert found(knowledge, text, files, tmp_path / "numpy") == []


# ---- what in an environment.yml is a package ---------------------------------------------------------------------

@pytest.mark.parametrize("yml", [
    "dependencies:\n  - numpy\n# GUI\n  - py-opencv\n",  # a comment at the first column inside the list
    "dependencies:  # what conda installs\n  - numpy\n  - py-opencv  # cv2\n",
    "dependencies:\n- numpy\n- py-opencv\n",  # the list at its key's column, as YAML allows
    "dependencies:\n- pip\n- pip:\n  - opencv-python==4.9.0.80\n",
    "dependencies:\n  - numpy\n  - python\n    >=3.11\n  - py-opencv\n",  # an item continued on the next line
    "dependencies:\n  - pip:\n      - numpy\n  - py-opencv\nchannels:\n  - conda-forge\n",
])
def test_the_packages_of_an_environment_file(knowledge, tmp_path, yml):
    text = conda_run("conda env create -f environment.yml")
    assert found(knowledge, text, {"environment.yml": yml}, tmp_path) == [("MI470", 4)]
    without = yml.replace("opencv-python", "requests").replace("py-opencv", "scipy")
    assert found(knowledge, text, {"environment.yml": without}, tmp_path / "without") == []


@pytest.mark.parametrize("yml", [
    "name: app\n# dependencies:\n#   - py-opencv\ndependencies:\n  - numpy\n",
    "dependencies:\n  - numpy  # not py-opencv\n",
    "dependencies:\n  - numpy\nchannels:\n  - py-opencv\n",  # not a dependency (nor a channel anyone has)
    "dependencies:\n  - numpy\n# - py-opencv\n",
])
def test_what_is_not_a_dependency_is_not_read(knowledge, tmp_path, yml):
    text = conda_run("conda env create -f environment.yml")
    assert found(knowledge, text, {"environment.yml": yml}, tmp_path) == []


# ---- what in a spec list (conda install --file specs.txt) is a package --------------------------------------------

@pytest.mark.parametrize("specs", [
    "# GUI\nnumpy\npy-opencv\n",
    "numpy\npy-opencv# cv2, from conda-forge\n",  # a comment right after the name
    "numpy >=1.26\nconda-forge::py-opencv >=4\n",
    "@EXPLICIT\nhttps://conda.anaconda.org/conda-forge/linux-64/numpy-1.26.4-py312heda63a1_0.conda#ab12\n"
    "https://conda.anaconda.org/conda-forge/linux-64/py-opencv-4.9.0-qt6_py312h5f5f2a4_614.conda#cd34\n",
])
def test_the_packages_of_a_spec_list(knowledge, tmp_path, specs):
    """a spec a line, `#` starts a comment; an explicit list (conda list --explicit, conda-lock) names URLs."""
    text = conda_run("conda install -y --file /tmp/specs.txt", copy="COPY specs.txt /tmp/\n")
    assert found(knowledge, text, {"specs.txt": specs}, tmp_path) == [("MI470", 4)]
    assert found(knowledge, text, {"specs.txt": specs.replace("py-opencv", "scipy")}, tmp_path / "without") == []


def test_comments_of_a_spec_list_are_not_packages(knowledge, tmp_path):
    text = conda_run("conda install -y --file /tmp/specs.txt", copy="COPY specs.txt /tmp/\n")
    specs = "# py-opencv is the conda-forge build of OpenCV: not here\nnumpy # and not py-opencv\n"
    assert found(knowledge, text, {"specs.txt": specs}, tmp_path) == []
