"""Make a team lead: a user in the Team leads group, able to create and run teams on the site.

Not staff: a team lead works on the /teams/ pages only, and the admin stays closed to them.
"""

from teams.instructors import TEAM_LEADS_GROUP, ensure_team_leads_group
from teams.management.role_command import RoleCommand

PASSWORD_ENV = "DJANGO_TEAM_LEAD_PASSWORD"


class Command(RoleCommand):
    role = "team lead"
    password_env = PASSWORD_ENV
    make_staff = False
    help = (
        f"Create a team lead (in the '{TEAM_LEADS_GROUP}' group, not staff), or make an existing "
        f"user one. The password comes from ${PASSWORD_ENV}, or is asked for."
    )

    def ensure_group(self):
        return ensure_team_leads_group()
