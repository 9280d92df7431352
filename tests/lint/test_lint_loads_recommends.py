"""MI470 (kb/lint/loads.py): the fix a finding offers for a conda package and for puppeteer on glibc, a library the
image ships under its package's name (GLib's libgthread in libglib), and which apt installs bring their Recommends.
Each Dockerfile is a small one of our own."""
from __future__ import annotations

import pytest

from kb.evidence.dockerfile_parse import parse_dockerfile_text
from kb.lint import lint_report


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


def test_libnss3_brings_libnspr4_with_it(knowledge):
    """xiangsx/gpt4free-ts#28 installs libnss3 and not libnspr4 by name: apt brings libnspr4 as libnss3's dependency
    (apt-cache depends libnss3, Debian 12), so MI470 does not name it."""
    [f] = mi470(knowledge, "FROM node:20-slim\nRUN apt-get update && apt-get install -y libnss3\n"
                           "RUN npm install puppeteer\n")
    assert "libnss3.so" not in f.message and "libnspr4.so" not in f.message


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


NO_RECOMMENDS_CONF = "RUN echo 'APT::Install-Recommends \"false\";' > /etc/apt/apt.conf.d/99no-recommends\n"
CHROME_RUN = "RUN apt-get update && apt-get install -y google-chrome-stable libxss1\n"


@pytest.mark.parametrize("runs, quiet", [
    (NO_RECOMMENDS_CONF + CHROME_RUN, False),  # the file stays: chrome's install gets no Recommends, no libxtst6
    (r'RUN echo "APT::Install-Recommends \"false\";" > /etc/apt/apt.conf.d/99no-recommends' "\n" + CHROME_RUN, False),
    ("RUN printf 'APT::Install-Recommends \"0\";\\n' > /etc/apt/apt.conf.d/norec\n" + CHROME_RUN, False),
    (CHROME_RUN + NO_RECOMMENDS_CONF, True),  # written after the install: libxtst6 came with it
    # the docker-clean file of BuildKit cache mounts, in a RUN that installs without Recommends: no configuration
    ("RUN rm -f /etc/apt/apt.conf.d/docker-clean && apt-get update && apt-get install -y --no-install-recommends "
     "curl\n" + CHROME_RUN, True),
])
def test_an_apt_configuration_turning_recommends_off_holds_for_every_later_install(knowledge, runs, quiet):
    found = mi470(knowledge, CHROME.format(runs=runs))
    assert (found == []) is quiet
    if not quiet:
        assert "opens libXtst.so.6 from the system when it starts" in found[0].message


def test_the_configuration_of_the_stage_the_final_one_starts_from_holds_in_it(knowledge):
    text = f"FROM node:20-slim AS base\n{NO_RECOMMENDS_CONF}FROM base\n{CHROME_RUN}RUN npm install puppeteer\n"
    [f] = mi470(knowledge, text)
    assert "libXtst.so.6" in f.message
