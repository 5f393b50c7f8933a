from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "apps.questionnaires"
    label = "questionnaires"
