"""MI470 (kb/lint/loads.py): the fix a finding offers for a conda package and for puppeteer on glibc, a library the
image ships under its package's name (GLib's libgthread in libglib), and which apt installs bring their Recommends.
Each Dockerfile is a small one of our own."""
from __future__ import annotations

import pytest

import kb
from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report


@pytest.fixture(scope="module")
def knowledge():
    return kb.load().knowledge


def mi470(knowledge, text: str) -> list:
    return [f for f in lint_report(knowledge, parse_dockerfile_text(text, "Dockerfile")) if f.rule == "MI470"]


def test_a_conda_packages_fix_says_conda_forge_does_not_ship_libgl(knowledge):
    text = ("FROM continuumio/miniconda3:24.7.1-0 AS env\nFROM debian:bookworm-slim\n"
            "COPY --from=env /opt/conda /opt/conda\nRUN /opt/conda/bin/conda install -y -c conda-forge py-opencv\n")
    [f] = mi470(knowledge, text)
    assert f.message.startswith("py-opencv opens libGL.so.1 from the system when imported")
    assert f.fix.startswith("apt-get install -y --no-install-recommends libgl1 in the final stage (conda-forge builds "
                            "OpenCV against the system's libGL and does not ship it")


def test_puppeteer_on_a_glibc_image_is_told_to_install_the_libraries_not_alpines_chromium(knowledge):
    [f] = mi470(knowledge, "FROM node:20-slim\nRUN npm install puppeteer\n")
    assert f.fix.startswith("install libnss3 libnspr4 ")
    assert "Puppeteer's troubleshooting page lists what its Chromium needs" in f.fix and "apk add" not in f.fix


def test_an_image_that_ships_glib_ships_its_libgthread(knowledge):
    """python:3.12 (the full image, on buildpack-deps) has libglib2.0-0, which holds libgthread-2.0.so.0, but not
    libGL: opencv-python's finding names libGL alone."""
    [f] = mi470(knowledge, "FROM python:3.12\nRUN pip install opencv-python\n")
    assert f.message.startswith("opencv-python opens libGL.so.1 from the system when imported (no copy is bundled), "
                                "and python:3.12 lacks it")
    assert "libgthread" not in f.message and f.fix.startswith("apt-get install -y --no-install-recommends libgl1 in")


CHROME = "FROM node:20-slim\n{runs}RUN npm install puppeteer\n"


@pytest.mark.parametrize("install", ["apt-get install google-chrome-stable libxss1 -y",
                                     "apt-get install -y google-chrome-stable libxss1",
                                     "apt-get -y install google-chrome-stable libxss1",
                                     "apt-get install -o Dpkg::Options::=--force-confold -y google-chrome-stable libxss1"])
def test_chrome_installed_with_its_recommends_brings_libxtst_wherever_the_options_are(knowledge, install):
    assert mi470(knowledge, CHROME.format(runs=f"RUN apt-get update && {install}\n")) == []
