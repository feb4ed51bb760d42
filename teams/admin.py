"""Teams in the admin: instructors see and edit only the teams they run.

Members join through the invite link; the admin lets an instructor change roles or remove
someone, and a superuser add anyone directly.
"""

from contextvars import ContextVar

from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from .access import managed_teams
from .models import Membership, ReminderSent, Team
from .services import team_regenerate_invite

# The page's own address while a team's change page is drawn: the invite link is shown whole,
# ready to paste, as on the dashboard (a readonly field gets no request of its own).
_site_root: ContextVar[str] = ContextVar("team_admin_site_root", default="")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role", "joined_at")
    readonly_fields = ("joined_at",)
    raw_id_fields = ("user",)

    def get_fields(self, request, obj=None):
        # Picking users needs the right to browse accounts, which instructors do not have; the
        # user's admin page would refuse them too, so they get the member's team page instead.
        if request.user.is_superuser:
            return self.fields
        return ("member", "role", "joined_at")

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return self.readonly_fields
        return (*self.readonly_fields, "member")

    @admin.display(description="member")
    def member(self, membership: Membership) -> str:
        username = membership.user.get_username()
        url = reverse("team-member", args=[membership.team.slug, username])
        return format_html('<a href="{}">{}</a>', url, username)

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_add_permission(request, obj)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "member_count", "created_at", "dashboard_link")
    search_fields = ("name", "slug", "memberships__user__username")
    list_filter = ("courses",)
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("courses",)
    readonly_fields = ("invite_link", "created_at")
    fields = ("name", "slug", "courses", "invite_link", "created_at")
    inlines = [MembershipInline]
    actions = ["regenerate_invites"]

    def get_queryset(self, request):
        # managed_teams() filters an instructor's teams through their own membership; counting
        # on that join would count only them, so the count gets a join of its own.
        managed = managed_teams(request.user).values("pk")
        return (
            Team.objects.filter(pk__in=managed)
            .annotate(members=Count("memberships"))
            .order_by("name")
        )

    @admin.display(description="members", ordering="members")
    def member_count(self, team: Team) -> int:
        return team.members

    @admin.display(description="dashboard")
    def dashboard_link(self, team: Team) -> str:
        return format_html('<a href="{}">Open dashboard</a>', team.get_absolute_url())

    @admin.display(description="invite link")
    def invite_link(self, team: Team) -> str:
        if not team.pk:
            return "Made when the team is saved."
        return format_html(
            "<code>{}</code><br>Share it with the team. To revoke it, select the team in the "
            "list and run “Make new invite links”.",
            _site_root.get() + team.get_invite_url(),
        )

    def changeform_view(self, request, *args, **kwargs):
        token = _site_root.set(request.build_absolute_uri("/").rstrip("/"))
        try:
            response = super().changeform_view(request, *args, **kwargs)
            if hasattr(response, "render"):  # drawn lazily otherwise, after the reset below
                response.render()
            return response
        finally:
            _site_root.reset(token)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:  # whoever creates a team runs it, so it stays visible to them
            Membership.objects.get_or_create(
                team=obj, user=request.user, defaults={"role": Membership.Role.INSTRUCTOR}
            )

    @admin.action(description="Make new invite links (the old ones stop working)")
    def regenerate_invites(self, request, queryset):
        teams = list(queryset)
        for team in teams:
            team_regenerate_invite(team=team)
        self.message_user(request, f"New invite links for {len(teams)} team(s).", messages.SUCCESS)


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    """What `sendreminders` sent: a log for superusers, read-only (the rows are its memory)."""

    list_display = ("kind", "user", "team", "assignment", "on_date", "sent_at")
    list_filter = ("kind",)
    list_select_related = ("user", "team", "assignment")
    search_fields = ("user__username", "team__name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
