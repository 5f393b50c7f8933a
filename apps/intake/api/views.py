"""Intake requests: procurement keeps its own drafts and submits them; reviewers and dashboards read them all."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from apps.accounts.roles import DASHBOARD, SECURITY_REVIEWER, has_role
from apps.api.fields import RefusalSerializer
from apps.api.viewsets import RegisterViewSetMixin, ServiceWriteMixin
from apps.core.exceptions import TransitionRefused
from apps.intake.filters import IntakeRequestFilterSet
from apps.intake.forms import IntakeForm
from apps.intake.models import IntakeRequest
from apps.intake.services import intake_draft_save, intake_submit

from .serializers import ANSWER_FIELDS, IntakeAnswersSerializer, IntakeRequestSerializer

NOT_AN_ANSWER = "Not an answer of the intake form: status, requester and what the submit created are read-only."


def _form_data(form):
    """The answers a request holds, in the form's own terms (slugs, codes), so a PATCH can change a few."""
    return {name: form[name].value() for name in ANSWER_FIELDS}


class IntakeRequestViewSet(
    RegisterViewSetMixin, ServiceWriteMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """A buyer sees only their own requests (anyone else's is 404). Workflow fields are set by the services."""

    queryset = IntakeRequest.objects.all()
    serializer_class = IntakeRequestSerializer
    filterset_class = IntakeRequestFilterSet
    procurement_access = "write"
    select_related = ("requester", "existing_vendor", "replaces_vendor", "vendor", "service")
    prefetch_related = ("systems", "categories")

    def get_queryset(self):
        queryset = super().get_queryset()
        user = self.request.user
        if has_role(user, SECURITY_REVIEWER) or has_role(user, DASHBOARD):
            return queryset
        return queryset.filter(requester=user)

    def _save_draft(self, request, instance=None, partial=False):
        """Validate the answers with IntakeForm and save through intake_draft_save. Raises ValidationError (400)."""
        not_answers = sorted(set(request.data) - set(ANSWER_FIELDS) - {"id"})
        if not_answers:
            raise ValidationError({name: [NOT_AN_ANSWER] for name in not_answers})
        data = {name: request.data[name] for name in ANSWER_FIELDS if name in request.data}
        if instance is not None and not instance.is_editable:
            # Before the form: a submitted request's answers may no longer validate (its vendor now exists).
            raise TransitionRefused("This request was submitted and can no longer be edited.", code="not_draft")
        if partial:
            data = {**_form_data(IntakeForm(instance=instance)), **data}
        form = IntakeForm(data=data, instance=instance)
        if not form.is_valid():
            errors = form.errors.get_json_data()
            raise ValidationError(
                {name: [error["message"] for error in field_errors] for name, field_errors in errors.items()}
            )
        return intake_draft_save(requester=request.user, form=form)

    # The answers are validated by IntakeForm, the same form as the intake page, not by a serializer: the hooks
    # take the request's answers rather than validated_data.
    def create_object(self, validated_data):
        return self._save_draft(self.request)

    def update_object(self, instance, validated_data):
        return self._save_draft(self.request, instance=instance, partial=True)

    @extend_schema(request=IntakeAnswersSerializer, responses={201: IntakeRequestSerializer})
    def create(self, request):
        """Save a new draft request; every answer is optional until submit."""
        intake = self.create_object(None)
        return Response(self.get_serializer(intake).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=IntakeAnswersSerializer, responses={200: IntakeRequestSerializer, 409: RefusalSerializer})
    def partial_update(self, request, pk=None):
        """Change some answers of one of your drafts (409 once it is submitted)."""
        intake = self.update_object(self.get_object(), None)
        return Response(self.get_serializer(intake).data)

    @extend_schema(request=None, responses={200: IntakeRequestSerializer, 409: RefusalSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit your draft: the vendor, its planned flows, its tier and an intake review are created."""
        intake = intake_submit(intake_request=self.get_object(), actor=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=intake.pk)).data)
