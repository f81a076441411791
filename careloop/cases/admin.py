from django.contrib import admin

from careloop.cases.models import Case, CaseEvent


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "kind", "actor", "actor_label", "from_state", "to_state", "details")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("id", "member", "state", "topic", "risk", "assignee", "opened_at")
    list_filter = ("state", "source")
    raw_id_fields = ("member", "thread", "post")
    inlines = [CaseEventInline]
