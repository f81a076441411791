from django.contrib import admin

from careloop.cases.models import Case, CaseEvent, InboundMessage, OutboxMessage


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


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: the outbox is changed by the worker and by `outbox.retry()` / `outbox.cancel()`, not by hand."""

    list_display = ("id", "case", "purpose", "channel", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "purpose", "channel")
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = ("id", "source", "sender", "at", "case", "error")
    list_filter = ("source",)
    raw_id_fields = ("case",)
