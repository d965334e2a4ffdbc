"""Which passwords are too common to accept.

The list is zxcvbn's ranked list of the 30,000 passwords seen most often in
leaked password sets (lowercase). Only that one data file of the package is
read, once, on first use: importing the ``zxcvbn`` package itself would build
its whole estimator (five more word lists) and keep it in every worker.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path


@cache
def common_passwords() -> frozenset[str]:
    """The most common passwords, lowercase."""
    spec = importlib.util.find_spec("zxcvbn")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the zxcvbn package (its common-password list) is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "frequency_lists.py"
    data_spec = importlib.util.spec_from_file_location("_zxcvbn_frequency_lists", path)
    if data_spec is None or data_spec.loader is None:
        raise RuntimeError(f"cannot read the common-password list at {path}")
    module = importlib.util.module_from_spec(data_spec)
    data_spec.loader.exec_module(module)
    return frozenset(module.FREQUENCY_LISTS["passwords"])


def is_common(password: str) -> bool:
    """Whether the password, in any letter case, is among the most common passwords."""
    return password.lower() in common_passwords()
