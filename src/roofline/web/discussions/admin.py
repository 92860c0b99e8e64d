"""Staff manage categories and labels here; posts are moderated on the site, where every change is logged."""

from django.contrib import admin

from roofline.web.discussions.models import Category, Label, ModerationAction


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "answerable", "staff_only", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "thread", "post"]
    readonly_fields = ["actor", "action", "thread", "post", "detail", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
