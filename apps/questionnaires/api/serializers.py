"""Questionnaires in the API (the reviewer's side). States and review fields move only through the actions."""

from rest_framework import serializers

from apps.api.fields import UsernameField
from apps.vendors.api.serializers import VendorRefField
from apps.vendors.models import Contact

from ..choices import AnswerReview
from ..models import Answer, Question, QuestionBank, Questionnaire, Section


class QuestionSerializer(serializers.ModelSerializer):
    requirements = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    section = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Question
        fields = (
            "id",
            "section",
            "code",
            "text",
            "help_text",
            "translations",
            "answer_type",
            "choices",
            "evidence_expected",
            "weight",
            "applies_up_to_tier",
            "requirements",
        )
        read_only_fields = fields


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ("id", "code", "title", "translations", "position")
        read_only_fields = fields


class QuestionBankSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuestionBank
        fields = ("id", "slug", "version", "name", "description", "source", "is_current", "created_at")
        read_only_fields = fields


class QuestionBankDetailSerializer(QuestionBankSerializer):
    sections = SectionSerializer(many=True, read_only=True)
    questions = serializers.SerializerMethodField()

    class Meta(QuestionBankSerializer.Meta):
        fields = (*QuestionBankSerializer.Meta.fields, "sections", "questions")
        read_only_fields = fields

    def get_questions(self, bank) -> list[dict]:
        questions = (
            Question.objects.filter(section__bank=bank).select_related("section").prefetch_related("requirements")
        )
        return QuestionSerializer(questions, many=True).data


class BankImportSerializer(serializers.Serializer):
    file = serializers.FileField()
    name = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=80)


class QuestionnaireSerializer(serializers.ModelSerializer):
    vendor = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    contact = serializers.PrimaryKeyRelatedField(read_only=True)
    created_by = UsernameField(read_only=True, allow_null=True)

    class Meta:
        model = Questionnaire
        fields = (
            "id",
            "vendor",
            "bank",
            "contact",
            "tier",
            "state",
            "due_on",
            "code_required",
            "sent_at",
            "submitted_at",
            "decided_at",
            "created_by",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class QuestionnaireSendSerializer(serializers.Serializer):
    """POST /questionnaires/: create and send in one step (questionnaire_send)."""

    vendor = VendorRefField()
    contact = serializers.PrimaryKeyRelatedField(queryset=Contact.objects.all())
    due_on = serializers.DateField()
    bank = serializers.PrimaryKeyRelatedField(queryset=QuestionBank.objects.all(), required=False, allow_null=True)
    code_required = serializers.BooleanField(required=False, allow_null=True, default=None)


class ExtendSerializer(serializers.Serializer):
    due_on = serializers.DateField()


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AnswerSerializer(serializers.ModelSerializer):
    """An answer beside the requirements its question bears on, with the files the vendor attached."""

    question = QuestionSerializer(read_only=True)
    reviewed_by = UsernameField(read_only=True, allow_null=True)
    answered_by = serializers.EmailField(read_only=True, allow_blank=True)
    files = serializers.SerializerMethodField()

    class Meta:
        model = Answer
        fields = (
            "id",
            "questionnaire",
            "question",
            "value",
            "comment",
            "answered_by",
            "answered_at",
            "review",
            "review_comment",
            "reviewed_by",
            "reviewed_at",
            "applied_at",
            "files",
        )
        read_only_fields = fields

    def get_files(self, answer) -> list[dict]:
        return [{"id": f.id, "name": f.name, "document": f.document_id} for f in answer.files.all()]


class AnswerReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[AnswerReview.ACCEPTED, AnswerReview.REJECTED])
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class FollowUpSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=5000)
