"""Question bank admin. Published versions show read-only; edits go through a copied draft,
and publishing one goes through a confirmation page that says what it changes."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import BooleanField, Case, F, OuterRef, Q, Subquery, Value, When
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from assessment.bank import (
    ALREADY_PUBLISHED,
    version_copy_to_draft,
    version_publish,
    version_publish_check,
)
from assessment.models import (
    Action,
    Answer,
    AnswerOption,
    Assessment,
    Domain,
    PublishedVersionError,
    Question,
    Questionnaire,
    QuestionnaireVersion,
)

admin.site.site_header = "Stagewise admin"
admin.site.site_title = "Stagewise admin"
admin.site.index_title = "Administration"

PUBLISHED = QuestionnaireVersion.Status.PUBLISHED


# --- which version a row belongs to, and whether it is the current one --------------------------
# Every bank list shows and filters by version: after "copy to a new draft version" the same
# keys exist once per version, and without the version a list reads as duplicates.


def with_current_flag(queryset, prefix: str):
    """Annotate `is_current` on rows whose version is reached through `prefix` ("" for versions
    themselves): true for the highest-numbered published version of each questionnaire."""
    current = (
        QuestionnaireVersion.objects.filter(
            questionnaire=OuterRef(f"{prefix}questionnaire"), status=PUBLISHED
        )
        .order_by("-number")
        .values("number")[:1]
    )
    return queryset.annotate(
        current_number=Subquery(current),
        is_current=Case(
            When(
                Q(**{f"{prefix}status": PUBLISHED}) & Q(**{f"{prefix}number": F("current_number")}),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def version_state(version: QuestionnaireVersion, is_current: bool) -> str:
    if not version.is_published:
        return "draft"
    return "published, current" if is_current else "published, superseded"


def titled(title: str, base=admin.AllValuesFieldListFilter):
    """A field filter under our own title (a lookup across relations is titled after the
    last field's name, "number", which says nothing), shown even with a single choice: most
    installs have one questionnaire, and the filter still says which one the rows belong to."""

    class Filter(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

        def has_output(self):
            return bool(self.lookup_choices)

    return Filter


def status_filter(prefix: str):
    class VersionStatusFilter(admin.SimpleListFilter):
        title = "status"
        parameter_name = "version_status"

        def lookups(self, request, model_admin):
            return [
                ("current", "Published, current"),
                ("superseded", "Published, superseded"),
                ("draft", "Draft"),
            ]

        def queryset(self, request, queryset):
            value = self.value()
            if value == "current":
                return queryset.filter(is_current=True)
            if value == "superseded":
                return queryset.filter(is_current=False, **{f"{prefix}status": PUBLISHED})
            if value == "draft":
                return queryset.exclude(**{f"{prefix}status": PUBLISHED})
            return queryset

    return VersionStatusFilter


def version_filters(prefix: str) -> list:
    return [
        (f"{prefix}questionnaire", titled("questionnaire", admin.RelatedFieldListFilter)),
        (f"{prefix}number", titled("version number")),
        status_filter(prefix),
    ]


class VersionColumnAdmin:
    """A "version" column (with its state) and the version filters, for a model whose version
    is reached through `version_prefix`."""

    version_prefix = ""

    def get_queryset(self, request):
        return with_current_flag(super().get_queryset(request), self.version_prefix)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)

        def version_column(self, obj):
            version = obj.owning_version()
            state = version_state(version, obj.is_current)
            return format_html(
                '{} <span class="version-state version-state-{}">{}</span>',
                version,
                state.split(",")[-1].strip(),
                state,
            )

        cls.version_column = admin.display(
            description="version", ordering=f"{cls.version_prefix}number"
        )(version_column)


class FrozenWhenPublishedAdmin:
    """Read-only (view permission only) for anything inside a published version."""

    def _frozen(self, obj) -> bool:
        return obj is not None and obj.owning_version().is_published

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        if obj is not None and self._frozen(obj):
            return False
        return super().has_add_permission(request, *([obj] if obj is not None else []))


class FrozenInline(FrozenWhenPublishedAdmin):
    extra = 0
    show_change_link = True


class DomainInline(FrozenInline, admin.TabularInline):
    model = Domain
    fields = ["position", "key", "name", "weight"]


class ActionInline(FrozenInline, admin.TabularInline):
    model = Action
    fields = [
        "position",
        "key",
        "domain",
        "stage",
        "from_level",
        "lifts",
        "title",
        "effort",
        "effort_weeks",
        "owner",
        "tags",
    ]


class QuestionInline(FrozenInline, admin.StackedInline):
    model = Question
    fields = [
        "position",
        "key",
        "label",
        "text",
        "help_text",
        "weight",
        "gate_stage",
        "gate_min_level",
    ]


class AnswerOptionInline(FrozenInline, admin.TabularInline):
    model = AnswerOption
    fields = ["level", "text"]
    max_num = 5


class VersionInline(admin.TabularInline):
    model = QuestionnaireVersion
    fields = ["number", "state", "published_at"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def get_queryset(self, request):
        return with_current_flag(super().get_queryset(request), "")

    @admin.display(description="status")
    def state(self, obj):
        return version_state(obj, obj.is_current)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    inlines = [VersionInline]


@admin.register(QuestionnaireVersion)
class QuestionnaireVersionAdmin(VersionColumnAdmin, FrozenWhenPublishedAdmin, admin.ModelAdmin):
    list_display = ["version_column", "name", "current", "published_at"]
    list_display_links = ["version_column"]
    list_filter = version_filters("")
    list_select_related = ["questionnaire"]
    ordering = ["questionnaire__slug", "-number"]
    readonly_fields = ["status", "published_at"]
    inlines = [DomainInline, ActionInline]
    actions = ["copy_to_draft", "publish"]

    # A label on the current row only: a cross on every other version read as an error.
    @admin.display(description="current", ordering="-is_current")
    def current(self, obj):
        if not obj.is_current:
            return None
        return format_html('<span class="version-state version-state-{0}">{0}</span>', "current")

    @admin.action(description="Copy to a new draft version")
    def copy_to_draft(self, request, queryset):
        for version in queryset:
            draft = version_copy_to_draft(version=version)
            url = reverse("admin:assessment_questionnaireversion_change", args=[draft.pk])
            self.message_user(
                request,
                format_html('Copied {} to draft <a href="{}">{}</a>.', version, url, draft),
                messages.SUCCESS,
            )

    # Publishing cannot be undone, so the action only leads to the confirmation page; the
    # version is published by the POST from that page, after its summary was shown.
    @admin.action(description="Publish selected version…")
    def publish(self, request, queryset):
        versions = list(queryset[:2])
        if len(versions) != 1:
            self.message_user(
                request,
                "Select one draft version to publish: each one is confirmed on its own page.",
                messages.WARNING,
            )
            return None
        return HttpResponseRedirect(
            reverse("admin:assessment_questionnaireversion_publish", args=[versions[0].pk])
        )

    def get_urls(self):
        return [
            path(
                "<int:object_id>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="assessment_questionnaireversion_publish",
            ),
            *super().get_urls(),
        ]

    def publish_view(self, request, object_id):
        version = get_object_or_404(
            QuestionnaireVersion.objects.select_related("questionnaire"), pk=object_id
        )
        changelist = reverse("admin:assessment_questionnaireversion_changelist")
        if version.is_published:
            self.message_user(request, ALREADY_PUBLISHED.format(version=version), messages.INFO)
            return HttpResponseRedirect(changelist)
        if not self.has_change_permission(request, version):
            raise PermissionDenied
        diff, fingerprint, problem = version_publish_check(version=version)
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            if request.POST.get("fingerprint") != fingerprint:
                self.message_user(
                    request,
                    f"{version} changed after this page was opened. Nothing was published: "
                    "check the summary again.",
                    messages.ERROR,
                )
            elif not problem:
                with transaction.atomic():
                    # Locked and read again, so two confirmations cannot both publish.
                    locked = QuestionnaireVersion.objects.select_for_update().get(pk=version.pk)
                    try:
                        version_publish(version=locked)
                    except PublishedVersionError as exc:
                        self.message_user(request, str(exc), messages.WARNING)
                        return HttpResponseRedirect(changelist)
                self.log_change(request, locked, "Published.")
                self.message_user(request, f"Published {version}.", messages.SUCCESS)
                return HttpResponseRedirect(changelist)
        current = version.questionnaire.current_version()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Publish {version}?",
            "version": version,
            "current": current,
            "diff": diff,
            "fingerprint": fingerprint,
            "problem": problem,
        }
        return TemplateResponse(
            request, "admin/assessment/questionnaireversion/publish_confirmation.html", context
        )


@admin.register(Domain)
class DomainAdmin(VersionColumnAdmin, FrozenWhenPublishedAdmin, admin.ModelAdmin):
    version_prefix = "version__"
    list_display = ["name", "key", "version_column", "weight", "position"]
    list_filter = version_filters(version_prefix)
    list_select_related = ["version__questionnaire"]
    ordering = ["version__questionnaire__slug", "-version__number", "position", "id"]
    search_fields = ["key", "name"]
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(VersionColumnAdmin, FrozenWhenPublishedAdmin, admin.ModelAdmin):
    version_prefix = "domain__version__"
    list_display = ["key", "version_column", "domain", "label", "gate_stage", "gate_min_level"]
    list_filter = version_filters(version_prefix)
    list_select_related = ["domain__version__questionnaire"]
    ordering = [
        "domain__version__questionnaire__slug",
        "-domain__version__number",
        "domain__position",
        "position",
        "id",
    ]
    search_fields = ["key", "label", "text"]
    inlines = [AnswerOptionInline]


@admin.register(AnswerOption)
class AnswerOptionAdmin(VersionColumnAdmin, FrozenWhenPublishedAdmin, admin.ModelAdmin):
    version_prefix = "question__domain__version__"
    list_display = ["question", "level", "version_column", "short_text"]
    list_filter = version_filters(version_prefix)
    list_select_related = ["question__domain__version__questionnaire"]
    ordering = [
        "question__domain__version__questionnaire__slug",
        "-question__domain__version__number",
        "question__domain__position",
        "question__position",
        "level",
    ]
    search_fields = ["question__key", "text"]

    @admin.display(description="text")
    def short_text(self, obj):
        return Truncator(obj.text).chars(90)


@admin.register(Action)
class ActionAdmin(VersionColumnAdmin, FrozenWhenPublishedAdmin, admin.ModelAdmin):
    version_prefix = "version__"
    list_display = [
        "key",
        "version_column",
        "title",
        "domain",
        "stage",
        "from_level",
        "owner",
        "effort",
    ]
    list_filter = [*version_filters(version_prefix), "stage", "domain__key"]
    list_select_related = ["version__questionnaire", "domain"]
    ordering = ["version__questionnaire__slug", "-version__number", "position", "id"]
    search_fields = ["key", "title", "owner"]
    fieldsets = [
        (None, {"fields": ["version", "domain", "key", "position", "title", "why"]}),
        ("Stage (v1 catalog)", {"fields": ["stage"]}),
        (
            "Practice-level advice (v2 catalog)",
            {
                "fields": [
                    "lifts",
                    "from_level",
                    "done_when",
                    "first_step",
                    "owner",
                    "prerequisites",
                ]
            },
        ),
        (None, {"fields": ["effort", "effort_weeks", "tags"]}),
    ]


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ["respondent", "question", "option", "dont_know", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["org", "status", "version", "created_at", "submitted_at"]
    list_filter = ["status", "version"]
    readonly_fields = ["org", "version", "status", "started_by", "submitted_at", "submitted_by"]
    inlines = [AnswerInline]

    def has_add_permission(self, request):
        return False

    # A submitted result is a record others rely on (reports, history, benchmarks): the admin
    # shows it read-only and can neither change nor delete it. Drafts are managed as before.
    def has_change_permission(self, request, obj=None):
        return (obj is None or obj.is_draft) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or obj.is_draft) and super().has_delete_permission(request, obj)
