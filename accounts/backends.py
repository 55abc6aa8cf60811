"""Sign-in and permissions: Django's model backend, with each person's permissions cached.

Every page asks what the person may do (the menus, the page's own check), which costs two
queries per request in Django's backend. Here the answer is kept in Django's cache under a key
that holds the person's `records_stamp`, read with the person on every request. Any change to
who holds what gives the people it concerns a new stamp, in the same transaction:

- a person's groups or own permissions (either side of the relation): that person;
- a group's permissions, a group or permission deleted, a clear from the far side: everyone.

So a permission granted or taken away on one app server holds on the next request to any
other. Admins (superusers) hold every permission by definition and are not cached.
"""

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

BACKEND = "accounts.backends.CachedPermissionsBackend"
SECONDS = 24 * 3600


class CachedPermissionsBackend(ModelBackend):
    def _get_permissions(self, user_obj, obj, from_name):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return super()._get_permissions(user_obj, obj, from_name)
        if user_obj.is_superuser:
            return super()._get_permissions(user_obj, obj, from_name)
        attribute = f"_{from_name}_perm_cache"
        if not hasattr(user_obj, attribute):
            key = f"perms:{from_name}:{user_obj.pk}:{user_obj.records_stamp}"
            found = cache.get(key)
            if found is None:
                found = super()._get_permissions(user_obj, obj, from_name)
                cache.set(key, found, SECONDS)
            setattr(user_obj, attribute, found)
        return getattr(user_obj, attribute)


def _touch(ids) -> None:
    from tracker.freshness import touch

    touch(ids)


def _touch_everyone() -> None:
    from tracker.freshness import touch_everyone

    touch_everyone()


def permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """m2m_changed of User.groups, User.user_permissions and Group.permissions."""
    from django.contrib.auth import get_user_model

    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if action != "post_clear" and not pk_set:
        return  # nothing was added or removed (a repeated add sends the signal too)
    person_side = sender in (
        get_user_model().groups.through,
        get_user_model().user_permissions.through,
    )
    if person_side and not reverse:
        _touch([instance.pk])
    elif person_side and pk_set and model is get_user_model():
        _touch(pk_set)
    else:
        _touch_everyone()


def holder_deleted(sender, instance, **kwargs):
    """A group or a permission deleted: its rows in the relations go without m2m signals."""
    _touch_everyone()


def connect() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, pre_delete

    user = get_user_model()
    for through in (user.groups.through, user.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(permissions_changed, sender=through, dispatch_uid=f"perms-{through}")
    for model in (Group, Permission):
        pre_delete.connect(holder_deleted, sender=model, dispatch_uid=f"perms-del-{model}")
