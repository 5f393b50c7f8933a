from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The reviewer's workspace: the dashboard at `/` and one page per vendor, incident and review."""

    name = "apps.workspace"
    label = "workspace"
    verbose_name = "Workspace"
