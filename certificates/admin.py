from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.shortcuts import render

from .models import Certificate
from .services import certificates_revoke


class RevokeForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why these certificates no longer stand (kept for staff; not shown publicly).",
    )


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["course", "user", "issued_at", "score", "revoked_at"]
    list_filter = ["course", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "user__email", "public_id"]
    list_select_related = ["course", "user"]
    readonly_fields = ["public_id", "user", "course", "issued_at", "score", "revoked_at"]
    fields = readonly_fields + ["revoked_reason"]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False  # issued by completing a course, never by hand

    @admin.action(description="Revoke the selected certificates (asks for a reason)")
    def revoke(self, request, queryset):
        form = RevokeForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            count = certificates_revoke(certificates=queryset, reason=form.cleaned_data["reason"])
            self.message_user(request, f"Revoked {count} certificate(s).", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Revoke certificates",
            "form": form,
            "certificates": queryset,
            "checkbox_name": ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return render(request, "admin/certificates/revoke.html", context)
