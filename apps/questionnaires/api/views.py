"""Questionnaire endpoints (reviewers). The vendor never uses the API: the portal has its own pages."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from apps.api.fields import RefusalSerializer
from apps.api.inputs import InputSerializerMixin
from apps.api.viewsets import RegisterReadOnlyViewSet, ServiceViewSet

from .. import selectors, services
from ..models import Answer, AnswerFile, QuestionBank, Questionnaire
from .serializers import (
    AnswerReviewSerializer,
    AnswerSerializer,
    BankImportSerializer,
    ExtendSerializer,
    FollowUpSerializer,
    NoteSerializer,
    QuestionBankDetailSerializer,
    QuestionBankSerializer,
    QuestionnaireSendSerializer,
    QuestionnaireSerializer,
)

MOVE_RESPONSES = {200: QuestionnaireSerializer, 409: RefusalSerializer}


class QuestionBankViewSet(RegisterReadOnlyViewSet):
    """Question banks, every version; the detail lists sections and questions. Import a new bank with POST import/."""

    queryset = QuestionBank.objects.all()
    serializer_class = QuestionBankSerializer
    detail_serializer_class = QuestionBankDetailSerializer
    filterset_fields = ("slug", "is_current")

    @extend_schema(request={"multipart/form-data": BankImportSerializer}, responses={201: QuestionBankSerializer})
    @action(detail=False, methods=["post"], parser_classes=[MultiPartParser], url_path="import")
    def import_bank(self, request):
        """A CSV or XLSX in CAIQ v4 or the generic layout; all or nothing (400 names each bad row and column)."""
        serializer = BankImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        bank = services.bank_import(
            name=serializer.validated_data["name"],
            slug=serializer.validated_data["slug"],
            file_name=upload.name,
            data=upload.read(),
            actor=request.user,
        )
        return Response(QuestionBankSerializer(bank).data, status=201)


@extend_schema_view(
    create=extend_schema(
        request=QuestionnaireSendSerializer,
        responses={201: QuestionnaireSerializer},
        description="Send a questionnaire to a vendor contact: the contact is emailed a portal link.",
    )
)
class QuestionnaireViewSet(InputSerializerMixin, ServiceViewSet, mixins.CreateModelMixin):
    queryset = Questionnaire.objects.all()
    serializer_class = QuestionnaireSerializer
    select_related = ("vendor", "created_by")
    filterset_fields = ("vendor__slug", "state")
    input_serializer_classes = {"create": QuestionnaireSendSerializer}

    def create(self, request, *args, **kwargs):
        return self.create_from_input(request)

    def create_object(self, validated_data):
        return services.questionnaire_send(
            actor=self.request.user, base_url=self.request.build_absolute_uri("/"), **validated_data
        )

    def _answer(self, questionnaire):
        return Response(QuestionnaireSerializer(questionnaire).data)

    @extend_schema(request=None, responses=MOVE_RESPONSES)
    @action(detail=True, methods=["post"])
    def remind(self, request, pk=None):
        """Email a reminder with a fresh link now (once per due date; 200 either way)."""
        questionnaire = self.get_object()
        services.questionnaire_remind(
            questionnaire=questionnaire, actor=request.user, base_url=request.build_absolute_uri("/")
        )
        return self._answer(questionnaire)

    @extend_schema(request=None, responses=MOVE_RESPONSES)
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        """Email a new link; the contact's earlier links stop working."""
        questionnaire = self.get_object()
        services.questionnaire_resend(
            questionnaire=questionnaire, actor=request.user, base_url=request.build_absolute_uri("/")
        )
        return self._answer(questionnaire)

    @extend_schema(request=ExtendSerializer, responses=MOVE_RESPONSES)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        serializer = ExtendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(
            services.questionnaire_extend(
                questionnaire=self.get_object(), actor=request.user, **serializer.validated_data
            )
        )

    def _move(self, request, service):
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(service(questionnaire=self.get_object(), actor=request.user, **serializer.validated_data))

    @extend_schema(request=NoteSerializer, responses=MOVE_RESPONSES)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._move(request, services.questionnaire_cancel)

    @extend_schema(request=None, responses=MOVE_RESPONSES)
    @action(detail=True, methods=["post"], url_path="start-review")
    def start_review(self, request, pk=None):
        return self._answer(services.questionnaire_start_review(questionnaire=self.get_object(), actor=request.user))

    @extend_schema(request=None, responses={200: dict, 409: RefusalSerializer})
    @action(detail=True, methods=["post"], url_path="apply-proposals")
    def apply_proposals(self, request, pk=None):
        """Apply what the reviewed answers propose to the vendor's requirement statuses."""
        applied = services.proposals_apply(questionnaire=self.get_object(), actor=request.user)
        return Response({"applied": applied})

    @extend_schema(request=NoteSerializer, responses=MOVE_RESPONSES)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._move(request, services.questionnaire_accept)

    @extend_schema(responses=dict)
    @action(detail=True, methods=["get"])
    def summary(self, request, pk=None):
        """Progress, score per section and overall, and the requirement status each requirement's answers propose."""
        questionnaire = self.get_object()
        answers = list(selectors.answers_with_questions(questionnaire=questionnaire))
        answered, total = selectors.progress(answers=answers)
        proposals = selectors.requirement_proposals(questionnaire=questionnaire, answers=answers)
        return Response(
            {
                "answered": answered,
                "total": total,
                **selectors.scores(questionnaire=questionnaire, answers=answers),
                "proposals": [
                    {
                        "requirement": p["requirement"].code,
                        "status": p["status"],
                        "questions": p["question_codes"],
                        "files": [f.pk for f in p["files"]],
                    }
                    for p in proposals
                ],
            }
        )


class AnswerViewSet(ServiceViewSet):
    """Answers, beside the requirements they bear on. Reviewers accept, reject or ask a follow-up."""

    queryset = Answer.objects.all()
    serializer_class = AnswerSerializer
    select_related = ("question__section", "reviewed_by")
    prefetch_related = ("question__requirements", Prefetch("files", queryset=AnswerFile.objects.order_by("pk")))
    filterset_fields = ("questionnaire", "review")

    @extend_schema(request=AnswerReviewSerializer, responses={200: AnswerSerializer, 409: RefusalSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        serializer = AnswerReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answer = services.answer_review(answer=self.get_object(), actor=request.user, **serializer.validated_data)
        return Response(AnswerSerializer(answer).data)

    @extend_schema(request=FollowUpSerializer, responses={200: AnswerSerializer, 409: RefusalSerializer})
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        serializer = FollowUpSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answer = services.answer_follow_up(answer=self.get_object(), actor=request.user, **serializer.validated_data)
        return Response(AnswerSerializer(answer).data)
