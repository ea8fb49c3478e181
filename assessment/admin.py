"""Question bank admin. Published versions show read-only; edits go through a copied draft."""

from django.contrib import admin, messages

from assessment.bank import version_copy_to_draft, version_publish
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
    fields = ["number", "status", "published_at"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    inlines = [VersionInline]


@admin.register(QuestionnaireVersion)
class QuestionnaireVersionAdmin(FrozenWhenPublishedAdmin, admin.ModelAdmin):
    list_display = ["__str__", "status", "published_at"]
    list_filter = ["status", "questionnaire"]
    readonly_fields = ["status", "published_at"]
    inlines = [DomainInline, ActionInline]
    actions = ["copy_to_draft", "publish"]

    @admin.action(description="Copy to a new draft version")
    def copy_to_draft(self, request, queryset):
        for version in queryset:
            draft = version_copy_to_draft(version=version)
            self.message_user(request, f"Copied {version} to draft {draft}.", messages.SUCCESS)

    @admin.action(description="Publish")
    def publish(self, request, queryset):
        for version in queryset:
            try:
                version_publish(version=version)
            except PublishedVersionError as exc:
                self.message_user(request, str(exc), messages.WARNING)
            else:
                self.message_user(request, f"Published {version}.", messages.SUCCESS)


@admin.register(Domain)
class DomainAdmin(FrozenWhenPublishedAdmin, admin.ModelAdmin):
    list_display = ["name", "key", "version", "weight", "position"]
    list_filter = ["version"]
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(FrozenWhenPublishedAdmin, admin.ModelAdmin):
    list_display = ["key", "label", "domain", "gate_stage", "gate_min_level"]
    list_filter = ["domain__version", "domain"]
    search_fields = ["key", "label", "text"]
    inlines = [AnswerOptionInline]


@admin.register(Action)
class ActionAdmin(FrozenWhenPublishedAdmin, admin.ModelAdmin):
    list_display = ["title", "domain", "stage", "from_level", "lifts", "owner", "effort", "version"]
    list_filter = ["version", "stage", "domain__key"]
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
