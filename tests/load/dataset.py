"""The data a load run needs, written to and read from the run's own database.

Run as `python -m tests.load.dataset seed|stored ...` with the run's production environment, so
the load scripts never configure Django in their own process (the pytest smoke test already has
Django set up for its own test database).
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys

from tests.appserver import BANK, PYTHON, ROOT

PASSWORD = "load-test-password-not-secret"
DONT_KNOW = "dont_know"


def seed(respondents: int) -> dict:
    """A deployed database (migrated, question bank loaded) holding an org whose leader started a
    draft, with `respondents` members to answer it. One process for all of it: each Django start
    costs about 2 s of CPU (WeasyPrint's import), a good part of a short smoke run."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from assessment.models import Question
    from assessment.services import assessment_start
    from orgs.models import Membership
    from orgs.services import org_create

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_questionnaire", str(BANK), stdout=io.StringIO())
    user_model = get_user_model()
    # One hash for everyone: the production hasher is deliberately slow.
    hashed = make_password(PASSWORD)

    def person(email: str):
        user = user_model.objects.create(username=email, email=email, password=hashed)
        # Verified: allauth logs in only proven addresses (these are test accounts).
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
        return user

    leader = person("leader@load.test")
    org = org_create(name="Load Test CS", created_by=leader)
    emails = [f"respondent{n:02d}@load.test" for n in range(respondents)]
    for email in emails:
        Membership.objects.create(user=person(email), org=org, role=Membership.Role.MEMBER)
    draft = assessment_start(org=org, by=leader)
    questions = (
        Question.objects.filter(domain__version_id=draft.version_id)
        .select_related("domain")
        .prefetch_related("options")
        .order_by("domain__position", "position")
    )
    return {
        "org": str(org.public_id),
        "assessment": str(draft.public_id),
        "respondents": emails,
        "domain": questions[0].domain.key,
        "options": {str(q.pk): [str(o.pk) for o in q.options.all()] for q in questions},
    }


def stored(assessment_public_id: str) -> list[list[str]]:
    """Every answer of that assessment: [respondent email, question id, value, note]."""
    from assessment.models import Answer

    rows = Answer.objects.filter(assessment__public_id=assessment_public_id).select_related(
        "respondent"
    )
    return [
        [
            row.respondent.email,
            str(row.question_id),
            DONT_KNOW if row.dont_know else str(row.option_id or ""),
            row.note,
        ]
        for row in rows
    ]


def run(env: dict[str, str], *args: str):
    """Call this module in a subprocess under `env` and return what it printed, parsed."""
    done = subprocess.run(
        [PYTHON, "-m", "tests.load.dataset", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"dataset {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("seed").add_argument("--respondents", type=int, required=True)
    commands.add_parser("stored").add_argument("assessment")
    args = parser.parse_args(argv)

    import django

    django.setup()
    result = seed(args.respondents) if args.command == "seed" else stored(args.assessment)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
