from django.contrib import admin

from roofline.web.chat.models import Channel


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "description", "position"]
    prepopulated_fields = {"slug": ["name"]}
    exclude = ["last_seq"]
