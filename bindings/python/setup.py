"""The package's version, read from the library's include/aae/version.h (the
one place it is written, as for the Makefile); the rest is pyproject.toml."""
import os
import re

from setuptools import setup


def library_version():
    header = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "include", "aae",
                          "version.h")
    with open(header, encoding="utf-8") as f:
        text = f.read()
    return ".".join(re.search(rf"^#define AAE_VERSION_{part} (\d+)$", text, re.M).group(1)
                    for part in ("MAJOR", "MINOR", "PATCH"))


setup(version=library_version())
