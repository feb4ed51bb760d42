"""Each username's look-alike key."""

from django.conf import settings
from django.db import models


class UsernameSkeleton(models.Model):
    """What a username looks like (accounts/usernames.py): sign-up refuses a new name whose
    skeleton an existing user has, with one indexed lookup."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="username_skeleton",
    )
    skeleton = models.CharField(max_length=1000, db_index=True)

    def __str__(self) -> str:
        return self.skeleton
