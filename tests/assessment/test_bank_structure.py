"""A published version's structure is read once per process; a draft's on every call."""

from assessment.bank import bank_load
from assessment.models import Question
from assessment.selectors import bank_structure


def test_published_structure_is_read_once(mini_version, django_assert_num_queries):
    first = bank_structure(mini_version)
    with django_assert_num_queries(0):
        again = bank_structure(mini_version)
    assert again is first
    assert [d.key for d in first.domains] == ["alpha", "beta"]
    assert len(first.questions) == 6
    assert all([o.level for o in first.options[q.pk]] == [1, 2, 3, 4, 5] for q in first.questions)


def test_draft_structure_is_read_again_so_edits_show(db, mini_bank_text):
    draft, _ = bank_load(text=mini_bank_text, publish=False)
    assert len(bank_structure(draft).questions) == 6
    domain = draft.domains.get(key="beta")
    Question.objects.create(domain=domain, key="beta-q4", text="A fourth?", position=4)
    assert [q.key for q in bank_structure(draft).questions][-1] == "beta-q4"
