from django.contrib import admin

from plans.models import PlanComment, PlanEvent, PlanItem


class CommentInline(admin.TabularInline):
    model = PlanComment
    extra = 0
    readonly_fields = ("author", "created_at")


class EventInline(admin.TabularInline):
    model = PlanEvent
    extra = 0
    # The history is a record: support staff read it, nobody edits it.
    readonly_fields = ("actor", "at", "field", "old", "new")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PlanItem)
class PlanItemAdmin(admin.ModelAdmin):
    list_display = ("title", "plan", "status", "owner", "due_date")
    list_filter = ("status", "horizon")
    search_fields = ("title", "action_key", "plan__org__name")
    list_select_related = ("plan__org", "owner")
    raw_id_fields = ("owner", "adopted_by", "source_assessment", "plan")
    inlines = (CommentInline, EventInline)
