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
# Catalog v2: actions that lift named practices (question keys) from one level to the next.
MIXED_ACTION_FORMS = (
    "Action '{key}' is in the {form} form, but action '{first}' is not: a catalog either gives "
    "every action 'lifts' and 'from_level' (v2) or none of them a 'lifts' (v1 with 'stage')."
)
STAGE_DISAGREES = (
    "Action '{key}': stage '{stage}' disagrees with from_level {level}; a v2 action's stage is "
    "the level it lifts to, so leave 'stage' out."
)
UNKNOWN_LIFT = "Action '{key}' lifts unknown question '{question}'."
UNKNOWN_PREREQUISITE = "Action '{key}' names unknown prerequisite '{prerequisite}'."
SELF_PREREQUISITE = "Action '{key}' names itself as a prerequisite."
PREREQUISITE_HIGHER = (
    "Action '{key}' (from level {level}) has prerequisite '{prerequisite}' at a higher "
    "from_level ({prerequisite_level}); a prerequisite must start at the same level or lower."
)
PREREQUISITE_CYCLE = "Prerequisites go round in a cycle: {cycle}."
COVERAGE_GAP = (
    "No action lifts {count} practice step(s), e.g. {examples}. Every question needs an action "
    "for each step from level 1 to 2, 2 to 3, 3 to 4 and 4 to 5."
)
COVERAGE_EXAMPLES = 5  # missing steps named in the message; the count gives the rest
LABEL_LIMIT = 60
OWNER_LIMIT = 60
V2_ACTION_FIELDS = (
    "key",
    "domain",
    "lifts",
    "from_level",
    "title",
    "why",
    "done_when",
    "first_step",
    "effort",
    "effort_weeks",
    "owner",
    "prerequisites",
    "tags",
)


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
    question = {
        "key": key,
        "text": _text(data, "text", where),
        "help": _text(data, "help", where, required=False),
        "weight": _positive(data, "weight", where, 1.0),
        "gate": gate,
        "answers": [answer.strip() for answer in answers],
    }
    # Only questions that have a label carry the key, so v1 banks keep their exact shape.
    label = _text(data, "label", where, required=False, limit=LABEL_LIMIT)
    if label:
        question["label"] = label
    return question


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


def _tags(data: dict, key: str, where: str) -> list:
    tags = data.get("tags") or []
    if not isinstance(tags, list):
        raise BankFileError(WRONG_TYPE.format(where=where, field="tags", kind="a list"))
    for tag in tags:
        if tag not in ALLOWED_TAGS:
            raise BankFileError(
                UNKNOWN_TAG.format(key=key, tag=tag, allowed=", ".join(ALLOWED_TAGS))
            )
    return list(tags)


def _whole(data: dict, field: str, where: str, low: int, high: int) -> int:
    value = _require(data, field, where)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BankFileError(
            OUT_OF_RANGE.format(where=where, field=field, low=low, high=high, value=value)
        )
    return value


def _keys(data: dict, field: str, where: str, *, required: bool) -> list[str]:
    value = _require(data, field, where) if required else data.get(field) or []
    if not isinstance(value, list) or (required and not value):
        kind = "a non-empty list of keys" if required else "a list of keys"
        raise BankFileError(WRONG_TYPE.format(where=where, field=field, kind=kind))
    if not all(isinstance(item, str) for item in value):
        raise BankFileError(WRONG_TYPE.format(where=where, field=field, kind="a list of keys"))
    return list(value)


def _action(
    raw: Any, domain_keys: set[str], seen: dict[str, bool], question_keys: set[str]
) -> dict:
    """`seen` maps the action keys read so far to whether each is in the v2 form."""
    data = _mapping(raw, "An action")
    key = _key(data, "An action", limit=80)
    where = f"Action '{key}'"
    if key in seen:
        raise BankFileError(DUPLICATE_KEY.format(kind="action", key=key))
    v2 = data.get("lifts") is not None
    # The form is checked before the fields, so a stray v2 action in a v1 catalog (or the other
    # way round) is named as such rather than as a missing field.
    first = next(iter(seen.items()), None)
    if first is not None and first[1] != v2:
        form = "v2 ('lifts')" if v2 else "v1 ('stage', no 'lifts')"
        raise BankFileError(MIXED_ACTION_FORMS.format(key=key, form=form, first=first[0]))
    seen[key] = v2
    domain = _text(data, "domain", where)
    if domain not in domain_keys:
        raise BankFileError(UNKNOWN_DOMAIN.format(key=key, domain=domain))
    if not v2:
        return {
            "key": key,
            "domain": domain,
            "stage": _stage(_require(data, "stage", where), where),
            "title": _text(data, "title", where, limit=200),
            "why": _text(data, "why", where),
            "effort": _text(data, "effort", where, limit=60),
            "effort_weeks": _whole(data, "effort_weeks", where, 1, MAX_WEEKS),
            "tags": _tags(data, key, where),
        }
    lifts = _keys(data, "lifts", where, required=True)
    for question in lifts:
        if question not in question_keys:
            raise BankFileError(UNKNOWN_LIFT.format(key=key, question=question))
    level = _whole(data, "from_level", where, 1, 4)
    if data.get("stage") is not None and STAGE_BY_KEY.get(data["stage"]) != level + 1:
        raise BankFileError(STAGE_DISAGREES.format(key=key, stage=data["stage"], level=level))
    return {
        "key": key,
        "domain": domain,
        "stage": level + 1,  # the level it lifts to, so v1 code reading `stage` still works
        "lifts": lifts,
        "from_level": level,
        "title": _text(data, "title", where, limit=200),
        "why": _text(data, "why", where),
        "done_when": _text(data, "done_when", where),
        "first_step": _text(data, "first_step", where),
        "effort": _text(data, "effort", where, limit=60),
        "effort_weeks": _whole(data, "effort_weeks", where, 1, MAX_WEEKS),
        "owner": _text(data, "owner", where, limit=OWNER_LIMIT),
        "prerequisites": _keys(data, "prerequisites", where, required=False),
        "tags": _tags(data, key, where),
    }


def _is_v2(action: dict) -> bool:
    return "lifts" in action


def _find_cycle(actions: list[dict]) -> list[str] | None:
    """The first prerequisite cycle met walking the catalog in file order, as a closed path."""
    requires = {a["key"]: a["prerequisites"] for a in actions}
    done: set[str] = set()

    def walk(key: str, path: list[str]) -> list[str] | None:
        if key in path:
            return path[path.index(key) :] + [key]
        if key in done:
            return None
        for prerequisite in requires[key]:
            cycle = walk(prerequisite, [*path, key])
            if cycle:
                return cycle
        done.add(key)
        return None

    for action in actions:
        cycle = walk(action["key"], [])
        if cycle:
            return cycle
    return None


def _check_catalog_v2(actions: list[dict], question_order: list[str]) -> None:
    """Prerequisites name real actions at the same or a lower level, without cycles, and every
    practice step (question, k → k+1) for k = 1..4 has an action."""
    by_key = {a["key"]: a for a in actions}
    for action in actions:
        for prerequisite in action["prerequisites"]:
            if prerequisite == action["key"]:
                raise BankFileError(SELF_PREREQUISITE.format(key=action["key"]))
            if prerequisite not in by_key:
                raise BankFileError(
                    UNKNOWN_PREREQUISITE.format(key=action["key"], prerequisite=prerequisite)
                )
            if by_key[prerequisite]["from_level"] > action["from_level"]:
                raise BankFileError(
                    PREREQUISITE_HIGHER.format(
                        key=action["key"],
                        level=action["from_level"],
                        prerequisite=prerequisite,
                        prerequisite_level=by_key[prerequisite]["from_level"],
                    )
                )
    cycle = _find_cycle(actions)
    if cycle:
        raise BankFileError(PREREQUISITE_CYCLE.format(cycle=" -> ".join(cycle)))
    covered = {(q, a["from_level"]) for a in actions for q in a["lifts"]}
    missing = [
        f"{question} {level}->{level + 1}"
        for question in question_order
        for level in range(1, 5)
        if (question, level) not in covered
    ]
    if missing:
        examples = ", ".join(missing[:COVERAGE_EXAMPLES])
        if len(missing) > COVERAGE_EXAMPLES:
            examples += ", …"
        raise BankFileError(COVERAGE_GAP.format(count=len(missing), examples=examples))


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
    action_forms: dict[str, bool] = {}
    actions = [
        _action(a, domain_keys, action_forms, question_keys) for a in data.get("actions") or []
    ]
    if actions and _is_v2(actions[0]):
        order = [q["key"] for d in domains for q in d["questions"]]
        _check_catalog_v2(actions, order)
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
        out: dict[str, Any] = {"key": q["key"]}
        if q.get("label"):
            out["label"] = q["label"]
        out["text"] = q["text"]
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
        if _is_v2(a):
            # The stage is derived from from_level, so the file does not repeat it.
            return {
                field: a[field]
                for field in V2_ACTION_FIELDS
                if field not in ("prerequisites", "tags") or a[field]
            }
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
