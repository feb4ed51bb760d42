from django.contrib import admin

from .models import ProviderIdentity, TeamEmailDomain


@admin.register(TeamEmailDomain)
class TeamEmailDomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "team"]
    search_fields = ["domain", "team__name"]
    list_select_related = ["team"]


@admin.register(ProviderIdentity)
class ProviderIdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "subject", "issuer", "linked_at"]
    search_fields = ["user__username", "subject"]
    list_select_related = ["user"]
    readonly_fields = ["user", "issuer", "subject", "linked_at"]

    def has_add_permission(self, request) -> bool:
        return False  # made by signing in
