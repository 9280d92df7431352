"""Issue 9 points 6 and 7 for Python: a pip build's libraries deleted with its -dev packages before the final stage
copies the result (MI412, kb/lint/pybuilt.py), and an environment on uv's managed Python the final image cannot run
(MI471, kb/lint/uvpython.py); pure-Python packages that open a system library at import, named, brought by another
(`required_by`) or required by the project `pip install .` installs (MI470)."""
from __future__ import annotations

import pytest

from tests.bounded import within
from tests.lint.context_files import findings_of, write_context

SETUP = 'from setuptools import setup\nsetup(name="app", install_requires=["cwltool>=3.0", "requests"])\n'
RENKU_LIKE = """FROM python:3.7-alpine AS base
RUN apk add --no-cache git
FROM base AS builder
ENV BUILD_DEPS "alpine-sdk g++ linux-headers libxslt-dev zeromq-dev libffi-dev openssl-dev"
RUN apk add --no-cache $BUILD_DEPS
COPY . /code
WORKDIR /code
RUN pip wheel --wheel-dir /wheels . && \\
    pip install --no-index --root=/pythonroot/ /wheels/*.whl && \\
    apk del --purge $BUILD_DEPS
FROM base
RUN apk add --no-cache git-lfs
COPY --from=builder /pythonroot/ /
CMD ["app"]
"""


def test_lxml_built_through_a_dependency_needs_libxslt_in_the_final_stage(knowledge, tmp_path):
    [f] = findings_of(knowledge, RENKU_LIKE, "MI412", write_context(tmp_path, {"setup.py": SETUP}))
    assert f.line == 13 and f.severity == "warning"
    assert "libxslt (lxml, a dependency of cwltool" in f.message and "libxslt-dev" in f.message
    assert "libzmq" not in f.message and "libffi" not in f.message  # no package lint sees links them
    assert f.fix.startswith("apk add the run-time packages in the final stage: apk add --no-cache libxslt")


def test_the_final_stage_that_installs_libxslt_is_clean(knowledge, tmp_path):
    text = RENKU_LIKE.replace("git-lfs", "libxslt git-lfs")
    assert findings_of(knowledge, text, "MI412", write_context(tmp_path, {"setup.py": SETUP})) == []


def test_without_a_package_known_to_link_it_a_deleted_dev_package_is_not_said(knowledge, tmp_path):
    setup = SETUP.replace('"cwltool>=3.0", ', "")
    assert findings_of(knowledge, RENKU_LIKE, "MI412", write_context(tmp_path, {"setup.py": setup})) == []
    assert findings_of(knowledge, RENKU_LIKE, "MI412") == []  # no context: nothing shows what pip built


def test_a_version_with_musllinux_wheels_bundles_its_libraries(knowledge):
    text = ("FROM python:3.12-alpine AS build\nRUN apk add --no-cache gcc musl-dev libxslt-dev \\\n"
            " && pip install --prefix=/install lxml=={v} \\\n && apk del gcc musl-dev libxslt-dev\n"
            "FROM python:3.12-alpine\nCOPY --from=build /install /usr/local\n")
    [f] = findings_of(knowledge, text.replace("{v}", "4.6.3"), "MI412")
    assert f.line == 6 and "libxslt (lxml, installed there" in f.message
    assert findings_of(knowledge, text.replace("{v}", "5.3.0"), "MI412") == []


def test_quoted_names_of_a_hostile_setup_py_are_read_in_linear_time(knowledge, tmp_path):
    setup = "'" * 200_000 + "\"a" * 100_000 + SETUP
    with within():
        [f] = findings_of(knowledge, RENKU_LIKE, "MI412", write_context(tmp_path, {"setup.py": setup}))
    assert f.line == 13


UV = """FROM python:3.12-slim-bookworm
COPY --from=ghcr.io/astral-sh/uv:latest /uv /uvx /bin/
RUN useradd --create-home appuser
ADD . /app
WORKDIR /app
RUN uv sync --locked
USER appuser
CMD ["/app/.venv/bin/app"]
"""


def test_uv_sync_as_root_on_a_python_the_image_lacks_then_another_user(knowledge, tmp_path):
    [f] = findings_of(knowledge, UV, "MI471", write_context(tmp_path, {".python-version": "3.14\n"}))
    assert f.line == 6 and f.severity == "warning"
    assert f.message.startswith("/app/.venv is built with Python 3.14 (uv's managed CPython, which uv downloads into "
                                "/root/.local/share/uv/python because .python-version asks for 3.14")
    assert "but USER appuser runs it, and /root/.local/share/uv/python is under /root" in f.message
    assert '"Permission denied"' in f.message  # what fails: not the image's 3.12, which the environment never uses
    assert f.fix.startswith("/root/.local/share/uv/python is under /root, which USER appuser cannot read")


def test_uv_managed_python_within_reach_or_not_asked_for_is_clean(knowledge, tmp_path):
    ctx = write_context(tmp_path, {".python-version": "3.14\n"})
    for text in (UV.replace("USER appuser\n", ""),  # root runs it
                 UV.replace("RUN useradd", "ENV UV_PYTHON_INSTALL_DIR=/python\nRUN useradd"),
                 UV.replace("RUN useradd", "ENV UV_PYTHON_PREFERENCE=only-system\nRUN useradd"),
                 UV.replace("uv sync --locked", "uv sync --locked --python /usr/local/bin/python3"),
                 UV.replace("uv sync --locked", "uv sync --locked --python 3.12"),
                 UV.replace("uv sync --locked", "uv sync --locked --no-python-downloads")):
        assert findings_of(knowledge, text, "MI471", ctx) == [], text
    (tmp_path / "same").mkdir()
    same = write_context(tmp_path / "same", {".python-version": "3.12\n",
                                             "pyproject.toml": '[project]\nrequires-python = ">=3.11"\n'})
    assert findings_of(knowledge, UV, "MI471", same) == []
    assert findings_of(knowledge, UV, "MI471") == []  # no context: nothing says what the project asks for


def test_uv_python_env_var_and_requires_python_are_requests_too(knowledge, tmp_path):
    [f] = findings_of(knowledge, UV.replace("RUN useradd", "ENV UV_PYTHON=3.13\nRUN useradd"), "MI471")
    assert "because UV_PYTHON asks for 3.13" in f.message
    ctx = write_context(tmp_path, {"pyproject.toml": '[project]\nname = "a"\nrequires-python = ">=3.13"\n'})
    [f] = findings_of(knowledge, UV, "MI471", ctx)
    assert "because requires-python of pyproject.toml asks for >=3.13" in f.message


def test_a_managed_environment_copied_without_its_interpreter(knowledge, tmp_path):
    text = ("FROM python:3.12-slim AS build\nCOPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/\nCOPY . /app\n"
            "WORKDIR /app\nRUN uv sync --frozen\nFROM python:3.12-slim\nCOPY --from=build /app/.venv /app/.venv\n"
            'CMD ["/app/.venv/bin/app"]\n')
    ctx = write_context(tmp_path, {".python-version": "3.13\n"})
    [f] = findings_of(knowledge, text, "MI471", ctx)
    assert f.line == 7 and f.fix.startswith("copy /root/.local/share/uv/python along with the environment")
    kept = text.replace("COPY --from=build /app/.venv", "COPY --from=build /root/.local/share/uv /root/.local/share/uv\n"
                                                          "COPY --from=build /app/.venv")
    assert findings_of(knowledge, kept, "MI471", ctx) == []


def test_a_hostile_python_version_file_is_read_in_linear_time(knowledge, tmp_path):
    ctx = write_context(tmp_path, {".python-version": "3." + "1" * 200_000 + "x\n"})
    with within():
        assert findings_of(knowledge, UV, "MI471", ctx) == []


def test_a_package_a_named_one_requires_opens_its_library_at_import(knowledge):
    text = 'FROM python:3.12-slim\nRUN pip install --no-cache-dir cairosvg==2.7.1\nCMD ["cairosvg"]\n'
    [f] = findings_of(knowledge, text, "MI470")
    assert f.line == 2 and f.message.startswith("cairocffi (a dependency of cairosvg) opens libcairo.so.2 from the "
                                                "system when imported")
    assert f.fix.startswith("apt-get install -y --no-install-recommends libcairo2 in the final stage")
    fixed = text.replace("RUN pip", "RUN apt-get update && apt-get install -y libcairo2 && pip")
    assert findings_of(knowledge, fixed, "MI470") == []


MMCV = ('FROM pytorch/pytorch:1.6.0-cuda10.1-cudnn7-devel\n'
        'RUN apt-get update && apt-get install -y git libglib2.0-0 libsm6 libxext6{gl}\n'
        'RUN pip install {first}mmcv-full==1.3.13 -f https://download.openmmlab.com/mmcv/dist/cu101/torch1.6.0/index.html\n')


def test_mmcv_full_brings_opencv_python_which_opens_libgl(knowledge):
    """mmcv's setup.py requires opencv-python unless opencv-python-headless is installed; `import mmcv` imports cv2,
    which opens the system's libGL.so.1 (hustvl/TopFormer#7, open-mmlab/mmdetection#3645)."""
    [f] = findings_of(knowledge, MMCV.format(gl="", first=""), "MI470")
    assert (f.line, f.severity) == (3, "warning")
    assert f.message == ("opencv-python (a dependency of mmcv-full) opens libGL.so.1 from the system when imported (no "
                         "copy is bundled), and pytorch/pytorch:1.6.0-cuda10.1-cudnn7-devel lacks it: expect "
                         "\"ImportError: libGL.so.1: cannot open shared object file\"")
    assert f.fix.startswith("apt-get install -y --no-install-recommends libgl1 in the final stage")
    assert findings_of(knowledge, MMCV.format(gl=" libgl1-mesa-dev", first=""), "MI470") == []
    assert findings_of(knowledge, MMCV.format(gl="", first="opencv-python-headless "), "MI470") == []


@pytest.mark.parametrize("requirer, found", [("yadt==0.1.5", True), ("ultralytics==8.3.204", True),
                                             ("mmcv-full==1.3.13", False)])
def test_headless_opencv_beside_a_requirer_that_does_not_choose(knowledge, requirer, found):
    """yadt and ultralytics require opencv-python whatever else is there; only mmcv's setup.py picks the headless
    build when that is installed (`choosing`). Both in one environment share cv2, and PDFMathTranslate#521's image
    (opencv-python-headless and yadt, libgl1 only) failed with "libgthread-2.0.so.0: cannot open shared object file"."""
    text = ("FROM python:3.12-slim-bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends libgl1\n"
            f"RUN pip install opencv-python-headless {requirer}\nCMD [\"python\", \"-c\", \"import cv2\"]\n")
    hits = findings_of(knowledge, text, "MI470")
    assert [f.line for f in hits] == ([3] if found else [])
    if found:
        name = requirer.split("==")[0]
        assert hits[0].message.startswith(f"opencv-python (a dependency of {name}) opens libgthread-2.0.so.0")


def test_the_projects_own_requirements_count_for_pip_install_dot(knowledge, tmp_path):
    text = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install .\nCMD ["app"]\n'
    ctx = write_context(tmp_path, {"pyproject.toml": '[project]\nname = "app"\ndependencies = ["weasyprint>=62"]\n'})
    [f] = findings_of(knowledge, text, "MI470", ctx)
    assert f.line == 4 and "weasyprint opens libpango-1.0.so.0, libpangoft2-1.0.so.0" in f.message
    assert "libpango-1.0-0 libpangoft2-1.0-0" in f.fix
    assert findings_of(knowledge, text.replace("RUN pip install .", "RUN pip install flask"), "MI470", ctx) == []


def test_a_requirement_name_ends_where_a_shell_expansion_starts():
    from kb.lint.pkgversions import req_name

    assert req_name('mindsdb${VERSION:+"==$VERSION"}') == "mindsdb"
    assert req_name("python_magic>=0.4") == "python-magic"


def test_node_gyp_builds_against_deleted_dev_packages_need_the_libraries_too(knowledge):
    text = ("FROM node:18-alpine AS build\nWORKDIR /app\n"
            "RUN apk add --no-cache --virtual .gyp python3 make g++ cairo-dev \\\n && npm install {pkg} \\\n"
            " && apk del .gyp\nFROM node:18-alpine\nWORKDIR /app\nCOPY --from=build /app/node_modules ./node_modules\n")
    [f] = findings_of(knowledge, text.replace("{pkg}", "canvas@2.11.2"), "MI412")
    assert f.line == 8 and f.message.startswith("node:18-alpine lacks libcairo (canvas, installed there, built from "
                                                "source against cairo-dev")
    assert findings_of(knowledge, text.replace("{pkg}", "express@4.21.0"), "MI412") == []


def test_rapidocr_in_the_projects_dependencies_brings_opencv_python(knowledge, tmp_path):
    """khoj-ai/khoj#842 (heldout26): `pip install .` of a project requiring rapidocr-onnxruntime, which requires
    opencv-python, on ubuntu:jammy without libGL: the server stops with "libGL.so.1: cannot open shared object file"."""
    text = ("FROM ubuntu:jammy\nRUN apt update -y && apt -y install python3-pip\nWORKDIR /app\nCOPY pyproject.toml .\n"
            "RUN pip install --no-cache-dir .\nCOPY . .\nENTRYPOINT [\"python3\", \"main.py\"]\n")
    ctx = write_context(tmp_path, {"pyproject.toml": '[project]\nname = "khoj"\ndependencies = ["rapidocr-onnxruntime == 1.3.22"]\n'})
    [f] = findings_of(knowledge, text, "MI470", ctx)
    assert f.line == 5 and f.message.startswith("opencv-python (a dependency of rapidocr-onnxruntime) opens libGL.so.1")
    fixed = text.replace("install python3-pip", "install python3-pip libgl1 libglib2.0-0")
    assert findings_of(knowledge, fixed, "MI470", ctx) == []


@pytest.mark.parametrize("requirement, through", [("commonforms", "commonforms"), ("ultralytics==8.3.204", "ultralytics")])
def test_ultralytics_and_commonforms_in_a_requirements_file_bring_opencv_python(knowledge, tmp_path, requirement, through):
    """fireform-core/FireForm#184 (heldout28): requirements.txt names commonforms, which requires ultralytics, which
    requires opencv-python; cv2 then stops on python:3.11-slim with "libGL.so.1: cannot open shared object file"."""
    text = ("FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\n"
            "RUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD [\"python\", \"main.py\"]\n")
    ctx = write_context(tmp_path, {"requirements.txt": f"flask\n{requirement}\n"})
    [f] = findings_of(knowledge, text, "MI470", ctx)
    assert f.line == 4 and f.message.startswith(f"opencv-python (a dependency of {through}) opens libGL.so.1")
    fixed = text.replace("WORKDIR /app\n", "WORKDIR /app\nRUN apt-get update && apt-get install -y libgl1 libglib2.0-0\n")
    assert findings_of(knowledge, fixed, "MI470", ctx) == []
    (tmp_path / "headless").mkdir()
    headless = write_context(tmp_path / "headless", {"requirements.txt": f"{requirement}\nopencv-python-headless\n"})
    # ultralytics requires opencv-python whatever else is there (only mmcv chooses); the two share cv2, so the
    # warning stays (PDFMathTranslate#521: opencv-python-headless beside yadt's opencv-python, libgthread missing)
    [f] = findings_of(knowledge, text, "MI470", headless)
    assert f.message.startswith(f"opencv-python (a dependency of {through}) opens libGL.so.1")


@pytest.mark.parametrize("final", ["python:3.12-slim", "python:3.13-alpine"])
def test_pyuwsgi_opens_the_system_libexpat_which_python_images_no_longer_have(knowledge, tmp_path, final):
    """TomBursch/kitchenowl#735 (heldout29): pyuwsgi's wheel links libexpat.so.1 without bundling it, and the
    python:*-slim and -alpine images dropped libexpat in October 2024 (docker-library/python#984, #989)."""
    text = (f"FROM {final}\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
            "CMD [\"uwsgi\", \"--ini\", \"wsgi.ini\"]\n")
    ctx = write_context(tmp_path, {"requirements.txt": "flask\npyuwsgi==2.0.30\n"})
    [f] = findings_of(knowledge, text, "MI470", ctx)
    assert f.line == 4 and f.message.startswith(f"pyuwsgi opens libexpat.so.1 from the system when imported")
    package = "expat" if "alpine" in final else "libexpat1"
    manager = "apk add --no-cache" if "alpine" in final else "apt-get update && apt-get install -y"
    fixed = text.replace("WORKDIR /app\n", f"RUN {manager} {package}\nWORKDIR /app\n")
    assert findings_of(knowledge, fixed, "MI470", ctx) == []
