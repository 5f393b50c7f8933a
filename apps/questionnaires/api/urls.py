from .views import AnswerViewSet, QuestionBankViewSet, QuestionnaireViewSet

routes = (
    ("question-banks", QuestionBankViewSet, "questionbank"),
    ("questionnaires", QuestionnaireViewSet, "questionnaire"),
    ("answers", AnswerViewSet, "answer"),
)
