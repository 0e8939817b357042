"""Fixtures for the trust tests (loaded with ``pytest_plugins = ("tests.trust_fixtures",)``):
the fictional corpus in tests/fixtures/trust/, copied, built and served."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import copy_corpus
from tests.trust_helpers import TRUST


@pytest.fixture
def trust_root(tmp_path: Path) -> Path:
    return copy_corpus(TRUST, tmp_path / "root")


@pytest.fixture
def trust_archive(trust_root: Path, make_archive):
    built = make_archive(trust_root)
    report = built.build()
    assert not report.problems, report.problems
    return built


@pytest.fixture
def trust_client(trust_archive):
    from webapp import create_app

    return create_app({"TESTING": True}, archive=trust_archive).test_client()
