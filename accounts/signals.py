"""Keep each user's username skeleton (accounts.models.UsernameSkeleton) current, however the
user was created or renamed: sign-up, the admin, createsuperuser, a data load."""

from django.db.models.signals import post_save

from .models import UsernameSkeleton
from .usernames import skeleton


def store_username_skeleton(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw:  # loaddata: rows as they are
        return
    if update_fields is not None and "username" not in update_fields:
        return  # e.g. last_login on every sign-in: nothing to redo
    UsernameSkeleton.objects.update_or_create(
        user=instance, defaults={"skeleton": skeleton(instance.username)}
    )


def connect() -> None:
    from django.contrib.auth import get_user_model

    post_save.connect(
        store_username_skeleton, sender=get_user_model(), dispatch_uid="username-skeleton"
    )
