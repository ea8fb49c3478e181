from pathlib import Path

import pytest

from assessment.bank import bank_load

DATA = Path(__file__).parent / "data"
MINI_BANK = DATA / "mini-bank.yaml"
DEFAULT_BANK = Path(__file__).parent.parent / "assessment" / "content" / "cs-maturity-v1.yaml"


@pytest.fixture
def mini_bank_text() -> str:
    return MINI_BANK.read_text(encoding="utf-8")


@pytest.fixture
def mini_version(db, mini_bank_text):
    """The small published test bank: 2 domains × 3 questions, one gate, 10 actions."""
    version, _ = bank_load(text=mini_bank_text)
    return version
