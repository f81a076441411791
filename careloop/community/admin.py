from django.contrib import admin

from careloop.community.models import Interaction, Member, Post, Source, Thread


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("name", "display_name", "kind", "enabled", "last_success_at", "last_error_at")
    search_fields = ("name", "display_name")


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("display_name", "handle", "source", "language", "last_seen_at")
    list_filter = ("source",)
    search_fields = ("display_name", "handle", "external_id")


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ("title", "source", "channel", "post_count", "last_post_at")
    list_filter = ("source",)
    search_fields = ("title", "external_id")


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("external_id", "source", "author", "created_at", "language", "deleted")
    list_filter = ("source", "deleted")
    search_fields = ("external_id", "text")
    raw_id_fields = ("thread", "parent", "author")


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ("kind", "actor", "target", "created_at")
    list_filter = ("kind", "source")
    raw_id_fields = ("actor", "target", "post")
