"""Create the Instructors group with the permissions instructors need in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

INSTRUCTOR_PERMISSIONS = {
    "sourcetext": ("add", "change", "delete", "view"),
    "tag": ("add", "change", "delete", "view"),
    "question": ("add", "change", "delete", "view"),
    "choice": ("add", "change", "delete", "view"),
    "acceptedanswer": ("add", "change", "delete", "view"),
    "matchpair": ("add", "change", "delete", "view"),
    "quiz": ("add", "change", "delete", "view"),
    "quizquestion": ("add", "change", "delete", "view"),
    "attempt": ("view",),
    "response": ("view",),
}


def create_instructors_group(apps, schema_editor):
    # Permissions are normally created after all migrations; instructors need them now.
    app_config = apps.get_app_config("quizzes")
    app_config.models_module = True  # create_permissions skips app stubs without it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Instructors")
    codenames = [
        f"{action}_{model}"
        for model, actions in INSTRUCTOR_PERMISSIONS.items()
        for action in actions
    ]
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="quizzes", codename__in=codenames)
    )


def remove_instructors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Instructors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_instructors_group, remove_instructors_group)]
