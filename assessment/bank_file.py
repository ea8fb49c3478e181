"""Reading and checking a question bank file (YAML). Pure: no database here.

`parse_bank(text)` returns the bank as a plain, normalized dict (defaults filled in, stage names
turned into numbers) or raises BankFileError naming the first problem found. `dump_bank(bank)`
writes the same shape back as YAML, so export → load → export is byte-identical.
"""

import math
import re
from typing import Any

import yaml

from assessment.scoring import STAGE_KEYS

STAGE_BY_KEY = {key: number for number, key in STAGE_KEYS.items()}
ALLOWED_TAGS = (
    "smb",
    "mid-market",
    "enterprise",
    "small-team",
    "large-team",
    "new-team",
    "established-team",
    "early-stage",
    "scale-up",
)
KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_WEEKS = 520  # ten years: anything longer is a typo, not a plan
THRESHOLD_KEYS = ("proactive", "predictive", "strategic", "embedded")

NOT_YAML = "The file is not valid YAML: {error}"
NOT_A_MAPPING = "{where} must be a mapping of fields."
MISSING_FIELD = "{where} is missing the field '{field}'."
WRONG_TYPE = "{where}: '{field}' must be {kind}."
BAD_KEY = "{where}: key '{key}' must use lowercase letters, digits and single dashes."
DUPLICATE_KEY = "Duplicate {kind} key '{key}'."
WRONG_ANSWER_COUNT = "Question '{key}' must have exactly 5 answers (one per stage), found {count}."
EMPTY_ANSWER = "Question '{key}': answer {level} is empty; every stage needs an anchor."
THRESHOLDS_ORDER = (
    "Thresholds must rise strictly between 1 and 100 "
    "(proactive < predictive < strategic < embedded), got {values}."
)
BAD_STAGE = "{where}: stage '{value}' must be one of {allowed}."
GATE_LEVEL_RANGE = (
    "Question '{key}': gate min_level must be a whole number from 1 to 5, got {value}."
)
UNKNOWN_DOMAIN = "Action '{key}' names unknown domain '{domain}'."
UNKNOWN_TAG = "Action '{key}' has unknown tag '{tag}'; allowed: {allowed}."
NOT_POSITIVE = "{where}: '{field}' must be a positive number, got {value}."
TOO_LONG = "{where}: '{field}' is {length} characters long; the limit is {limit}."
OUT_OF_RANGE = "{where}: '{field}' must be a whole number from {low} to {high}, got {value}."
NO_DOMAINS = "The bank needs at least one domain, each with at least one question."


class BankFileError(ValueError):
    """A question bank file breaks a rule; the message names the problem."""


def _require(data: dict, field: str, where: str) -> Any:
    if field not in data or data[field] is None:
        raise BankFileError(MISSING_FIELD.format(where=where, field=field))
    return data[field]


def _text(
    data: dict, field: str, where: str, *, required: bool = True, limit: int | None = None
) -> str:
    value = _require(data, field, where) if required else data.get(field, "") or ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise BankFileError(WRONG_TYPE.format(where=where, field=field, kind="non-empty text"))
    value = value.strip()
    if limit is not None and len(value) > limit:
        raise BankFileError(
            TOO_LONG.format(where=where, field=field, length=len(value), limit=limit)
        )
    return value


def _mapping(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise BankFileError(NOT_A_MAPPING.format(where=where))
    return value


def _list(data: dict, field: str, where: str) -> list:
    value = _require(data, field, where)
    if not isinstance(value, list) or not value:
        raise BankFileError(WRONG_TYPE.format(where=where, field=field, kind="a non-empty list"))
    return value


def _key(data: dict, where: str, limit: int = 60) -> str:
    key = _text(data, "key", where, limit=limit)
    if not KEY_PATTERN.match(key):
        raise BankFileError(BAD_KEY.format(where=where, key=key))
    return key


def _positive(data: dict, field: str, where: str, default: float) -> float:
    value = data.get(field, default)
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise BankFileError(NOT_POSITIVE.format(where=where, field=field, value=value))
    return float(value)


def _stage(value: Any, where: str) -> int:
    allowed = ", ".join(STAGE_KEYS[n] for n in range(2, 6))
    if value not in STAGE_BY_KEY or STAGE_BY_KEY[value] == 1:
        raise BankFileError(BAD_STAGE.format(where=where, value=value, allowed=allowed))
    return STAGE_BY_KEY[value]


def _thresholds(raw: Any) -> dict[str, float]:
    data = _mapping(raw, "thresholds")
    values = []
    for name in THRESHOLD_KEYS:
        value = _require(data, name, "thresholds")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BankFileError(WRONG_TYPE.format(where="thresholds", field=name, kind="a number"))
        values.append(float(value))
    rising = all(low < high for low, high in zip(values, values[1:], strict=False))
    if not rising or values[0] < 1 or values[-1] > 100:
        raise BankFileError(
            THRESHOLDS_ORDER.format(values=dict(zip(THRESHOLD_KEYS, values, strict=True)))
        )
    return dict(zip(THRESHOLD_KEYS, values, strict=True))


def _question(raw: Any, seen: set[str]) -> dict:
    data = _mapping(raw, "A question")
    key = _key(data, "A question", limit=80)
    where = f"Question '{key}'"
    if key in seen:
        raise BankFileError(DUPLICATE_KEY.format(kind="question", key=key))
    seen.add(key)
    answers = data.get("answers")
    if not isinstance(answers, list) or len(answers) != 5:
        count = len(answers) if isinstance(answers, list) else 0
        raise BankFileError(WRONG_ANSWER_COUNT.format(key=key, count=count))
    for level, answer in enumerate(answers, start=1):
        if not isinstance(answer, str) or not answer.strip():
            raise BankFileError(EMPTY_ANSWER.format(key=key, level=level))
    gate = None
    if data.get("gate") is not None:
        gate_data = _mapping(data["gate"], f"{where} gate")
        stage = _stage(_require(gate_data, "stage", f"{where} gate"), f"{where} gate")
        level = gate_data.get("min_level")
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
            raise BankFileError(GATE_LEVEL_RANGE.format(key=key, value=level))
        gate = {"stage": stage, "min_level": level}
    return {
        "key": key,
        "text": _text(data, "text", where),
        "help": _text(data, "help", where, required=False),
        "weight": _positive(data, "weight", where, 1.0),
        "gate": gate,
        "answers": [answer.strip() for answer in answers],
    }


def _domain(raw: Any, domain_keys: set[str], question_keys: set[str]) -> dict:
    data = _mapping(raw, "A domain")
    key = _key(data, "A domain")
    where = f"Domain '{key}'"
    if key in domain_keys:
        raise BankFileError(DUPLICATE_KEY.format(kind="domain", key=key))
    domain_keys.add(key)
    return {
        "key": key,
        "name": _text(data, "name", where, limit=120),
        "description": _text(data, "description", where, required=False),
        "weight": _positive(data, "weight", where, 1.0),
        "questions": [_question(q, question_keys) for q in _list(data, "questions", where)],
    }


def _action(raw: Any, domain_keys: set[str], seen: set[str]) -> dict:
    data = _mapping(raw, "An action")
    key = _key(data, "An action", limit=80)
    where = f"Action '{key}'"
    if key in seen:
        raise BankFileError(DUPLICATE_KEY.format(kind="action", key=key))
    seen.add(key)
    domain = _text(data, "domain", where)
    if domain not in domain_keys:
        raise BankFileError(UNKNOWN_DOMAIN.format(key=key, domain=domain))
    weeks = _require(data, "effort_weeks", where)
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= MAX_WEEKS:
        raise BankFileError(
            OUT_OF_RANGE.format(
                where=where, field="effort_weeks", low=1, high=MAX_WEEKS, value=weeks
            )
        )
    tags = data.get("tags") or []
    if not isinstance(tags, list):
        raise BankFileError(WRONG_TYPE.format(where=where, field="tags", kind="a list"))
    for tag in tags:
        if tag not in ALLOWED_TAGS:
            raise BankFileError(
                UNKNOWN_TAG.format(key=key, tag=tag, allowed=", ".join(ALLOWED_TAGS))
            )
    return {
        "key": key,
        "domain": domain,
        "stage": _stage(_require(data, "stage", where), where),
        "title": _text(data, "title", where, limit=200),
        "why": _text(data, "why", where),
        "effort": _text(data, "effort", where, limit=60),
        "effort_weeks": weeks,
        "tags": list(tags),
    }


def validate_bank(raw: Any) -> dict:
    """Check a bank already parsed from YAML and return it normalized."""
    data = _mapping(raw, "The file")
    slug = _text(data, "slug", "The file", limit=50)
    if not KEY_PATTERN.match(slug):
        raise BankFileError(BAD_KEY.format(where="The file", key=slug))
    version = _require(data, "version", "The file")
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= 100_000:
        raise BankFileError(
            WRONG_TYPE.format(where="The file", field="version", kind="a whole number >= 1")
        )
    domain_keys: set[str] = set()
    question_keys: set[str] = set()
    raw_domains = data.get("domains")
    if not isinstance(raw_domains, list) or not raw_domains:
        raise BankFileError(NO_DOMAINS)
    domains = [_domain(d, domain_keys, question_keys) for d in raw_domains]
    action_keys: set[str] = set()
    actions = [_action(a, domain_keys, action_keys) for a in data.get("actions") or []]
    return {
        "slug": slug,
        "name": _text(data, "name", "The file", limit=120),
        "description": _text(data, "description", "The file", required=False),
        "version": version,
        "thresholds": _thresholds(_require(data, "thresholds", "The file")),
        "domains": domains,
        "actions": actions,
    }


def parse_bank(text: str) -> dict:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise BankFileError(NOT_YAML.format(error=exc)) from exc
    return validate_bank(raw)


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def dump_bank(bank: dict) -> str:
    """Write a normalized bank as YAML in the documented file shape."""

    def question(q: dict) -> dict:
        out: dict[str, Any] = {"key": q["key"], "text": q["text"]}
        if q["help"]:
            out["help"] = q["help"]
        out["weight"] = _number(q["weight"])
        if q["gate"]:
            out["gate"] = {
                "stage": STAGE_KEYS[q["gate"]["stage"]],
                "min_level": q["gate"]["min_level"],
            }
        out["answers"] = list(q["answers"])
        return out

    def action(a: dict) -> dict:
        out = {k: v for k, v in a.items() if k != "tags" or v}
        out["stage"] = STAGE_KEYS[a["stage"]]
        return out

    document = {
        "slug": bank["slug"],
        "name": bank["name"],
        "description": bank["description"],
        "version": bank["version"],
        "thresholds": {k: _number(v) for k, v in bank["thresholds"].items()},
        "domains": [
            {
                "key": d["key"],
                "name": d["name"],
                "description": d["description"],
                "weight": _number(d["weight"]),
                "questions": [question(q) for q in d["questions"]],
            }
            for d in bank["domains"]
        ],
        "actions": [action(a) for a in bank["actions"]],
    }
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
