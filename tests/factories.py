"""Factories for test data. The question bank comes from tests/data/mini-bank.yaml (see
conftest's `mini_version`); these build people, orgs and assessments around it."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from assessment.models import Answer, Assessment
from orgs.models import Consultant, ConsultantAssignment, Membership, Organization


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    username = factory.LazyAttribute(lambda u: u.email)
    first_name = factory.Sequence(lambda n: f"Person{n}")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def verified_email(user, create, extracted, **kwargs):
        """The primary address allauth logs in by, verified unless `verified_email=False`."""
        if create:
            EmailAddress.objects.update_or_create(
                user=user,
                email=user.email,
                defaults={"primary": True, "verified": extracted is not False},
            )


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Org {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    arr_band = Organization.ArrBand.FROM_5M_TO_20M
    segment = Organization.Segment.MID_MARKET
    team_size = Organization.TeamSize.MEDIUM
    team_age = Organization.TeamAge.GROWING
    industry = "Software"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    org = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.MEMBER


class ConsultantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultant

    user = factory.SubFactory(UserFactory)
    company = "Advisory Ltd"


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultantAssignment

    consultant = factory.SubFactory(UserFactory)
    org = factory.SubFactory(OrganizationFactory)


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    org = factory.SubFactory(OrganizationFactory)
    started_by = factory.SubFactory(UserFactory)


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    assessment = factory.SubFactory(AssessmentFactory)
    respondent = factory.SubFactory(UserFactory)
