"""Writes on intake requests: save a draft, submit. The submit turns the answers into the register's data map."""

import datetime
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from apps.core.exceptions import TransitionRefused
from apps.datamap.choices import Sharing
from apps.datamap.models import DataFlow, DataFlowCategory
from apps.datamap.selectors import active_flow_q
from apps.register.handlers import EventHandler
from apps.reviews.choices import ReviewKind, ReviewState
from apps.reviews.models import Review
from apps.reviews.services import review_open, review_submit
from apps.reviews.workflow import OPEN_STATES
from apps.risk.services import vendor_requirements_ensure
from apps.vendors.choices import VendorStatus
from apps.vendors.models import Vendor, VendorService

from .choices import IntakeStatus, VendorChoice
from .forms import IntakeForm, closed_vendor_message, new_vendor_slug
from .models import IntakeRequest
from .signals import intake_submitted


@transaction.atomic
def intake_draft_save(*, requester, form: IntakeForm, form_token: uuid.UUID | None = None) -> IntakeRequest:
    """Save a validated IntakeForm as the requester's draft (a new one when the form has no instance yet).

    `form_token` marks a new request with the token of the blank form it came from. Raises TransitionRefused
    when the request was submitted meanwhile (code "not_draft") or when another POST of the same blank form
    already saved it (code "duplicate_form") or when the buyer already has INTAKE_MAX_OPEN_PER_BUYER open requests
    (code "too_many_open_requests"), and PermissionDenied when it belongs to someone else.
    """
    intake = form.instance
    if not intake.pk:
        _check_open_limit(requester)
    if intake.pk:
        locked = IntakeRequest.objects.select_for_update().only("status", "requester").get(pk=intake.pk)
        if locked.requester_id != requester.pk:
            raise PermissionDenied
        if locked.status != IntakeStatus.DRAFT:
            raise TransitionRefused(_("This request was submitted and can no longer be edited."), code="not_draft")
    else:
        intake.requester = requester
        intake.form_token = form_token
    intake.status = IntakeStatus.DRAFT
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError as exc:
        # Two POSTs of one blank form at once: the unique (requester, form_token) lets only the first create.
        raise TransitionRefused(_("This form was already saved."), code="duplicate_form") from exc


@transaction.atomic
def intake_submit(*, intake_request: IntakeRequest, actor) -> IntakeRequest:
    """Submit a draft: create or link the vendor, its service and one planned flow per system with the chosen
    categories; compute the tier; create the requirement statuses of its baseline; open an intake review;
    send `intake_submitted`; email the security reviewers once the transaction commits.

    The request row is locked, so two submits of one request run one after the other and the second finds
    it submitted. The answers are checked again against the register as it is now, whatever door the draft came
    through. A flow the vendor already has (same system and mechanism, planned or running, carrying every chosen
    category) is not added again, and an undecided intake review of the vendor is reused: the same request
    submitted again adds nothing.

    Raises TransitionRefused(code="already_submitted") for a request that is not a draft,
    TransitionRefused(code="too_many_submits") past INTAKE_MAX_SUBMITS_PER_DAY in 24 hours, PermissionDenied
    when the actor is not its requester, and ValidationError (keyed by form field) when an answer needed to
    submit is missing, the vendor is offboarding or terminated, a chosen system or category was removed from
    the register, or the new vendor's name clashes with a vendor in the register.
    """
    intake = IntakeRequest.objects.select_for_update().get(pk=intake_request.pk)
    if intake.requester_id != actor.pk:
        raise PermissionDenied
    if intake.status != IntakeStatus.DRAFT:
        raise TransitionRefused(_("This request has already been submitted."), code="already_submitted")
    _check_submit_limit(actor)
    systems = list(intake.systems.order_by("slug"))
    categories = list(intake.categories.all())
    _check_submittable(intake, systems, categories)

    vendor = _vendor_for(intake)
    service = _service_for(intake, vendor)
    for index, system in enumerate(systems):
        if _flow_exists(vendor=vendor, system=system, mechanism=intake.mechanism, categories=categories):
            continue
        flow = DataFlow.objects.create(
            code=_flow_code(system, vendor, service),
            system=system,
            service=service,
            mechanism=intake.mechanism,
            purpose=intake.service_description,
            data_subjects=[s.strip() for s in intake.data_subjects.split(",") if s.strip()],
            # The estimate is the vendor's total: the tier sums flows, so one flow carries it, not each.
            estimated_records=intake.estimated_records if index == 0 else None,
            starts_on=intake.contract_starts_on,
        )
        DataFlowCategory.objects.bulk_create(
            DataFlowCategory(flow=flow, category=category, sharing=Sharing.SHARED) for category in categories
        )

    # The planned flows change what the vendor receives: its tier follows, once (no signal does it).
    EventHandler(actor).data_map_changed(vendor_ids=[vendor.pk])
    vendor.refresh_from_db(fields=["tier", "computed_tier"])
    vendor_requirements_ensure(vendor=vendor)
    review = _open_intake_review(vendor) or review_open(vendor=vendor, kind=ReviewKind.INTAKE, requested_by=actor)
    if review.state == ReviewState.DRAFT and review.requested_by_id == actor.pk:
        # The buyer has submitted: the review says so too, and sits in the reviewers' queue rather than as a draft.
        review_submit(review=review, actor=actor, note=f"Submitted with intake request #{intake.pk}.")

    intake.status = IntakeStatus.SUBMITTED
    intake.submitted_at = timezone.now()
    intake.vendor = vendor
    intake.service = service
    intake.review = review
    intake.tier = vendor.tier
    intake.save()
    if intake.send_questionnaire:
        from apps.questionnaires.services import questionnaire_send_for_intake

        questionnaire_send_for_intake(
            vendor=vendor,
            contact_email=intake.questionnaire_contact_email,
            contact_name=intake.questionnaire_contact_name,
            requested_by=actor,
        )
    # The notifications app emails the reviewers on commit, logged per recipient and resent if lost.
    intake_submitted.send(sender=IntakeRequest, intake_request=intake)
    return intake


def _check_submittable(intake, systems, categories):
    # The form checks all of this with friendlier wording; this guards every other door to the service.
    errors = {}
    if intake.vendor_choice == VendorChoice.EXISTING and not intake.existing_vendor_id:
        errors["existing_vendor_name"] = _("Choose the vendor from the register.")
    if intake.vendor_choice == VendorChoice.NEW and not new_vendor_slug(intake.vendor_name):
        errors["vendor_name"] = _("Enter the vendor's name.")
    if not intake.mechanism:
        errors["mechanism"] = _("Say how it connects to our systems.")
    if not systems:
        errors["systems"] = _("Choose at least one system it will touch.")
    if intake.no_data and categories:
        errors["no_data"] = _("Choose data categories or “none of our data”, not both.")
    if not intake.no_data and not categories:
        errors["categories"] = _("Choose at least one kind of data it will receive, or tick “none of our data”.")
    errors.update(_removed_since_saved(intake, systems, categories))
    if errors:
        raise ValidationError(errors)


def _removed_since_saved(intake, systems, categories):
    """Systems or categories the buyer chose that were deleted since: the cascade drops them from the request
    silently, so compare with what the request's last history record holds."""
    record = intake.history.order_by("-history_date", "-history_id").first()
    if record is None:
        return {}
    errors = {}
    chosen_systems = set(record.historicalintakerequest_systems_set.values_list("system_id", flat=True))
    if chosen_systems - {system.pk for system in systems}:
        errors["systems"] = _("A system you chose is no longer in the register. Choose the systems again.")
    chosen_categories = set(record.historicalintakerequest_categories_set.values_list("datacategory_id", flat=True))
    if chosen_categories - {category.pk for category in categories}:
        errors["categories"] = _("A data category you chose is no longer in the catalogue. Choose the data again.")
    return errors


def _lock_buyer(user):
    # One buyer's writes run one after the other, so two requests at once cannot both slip under a limit.
    get_user_model().objects.select_for_update().filter(pk=user.pk).exists()


def _check_open_limit(requester):
    _lock_buyer(requester)
    limit = settings.INTAKE_MAX_OPEN_PER_BUYER
    open_requests = IntakeRequest.objects.filter(requester=requester).filter(
        Q(status=IntakeStatus.DRAFT) | Q(status=IntakeStatus.SUBMITTED, review__state__in=OPEN_STATES)
    )
    if open_requests.count() >= limit:
        raise TransitionRefused(
            _(
                "You can have at most %(limit)s open requests (drafts, or submitted and not yet decided). "
                "Finish or wait for one before starting another."
            )
            % {"limit": limit},
            code="too_many_open_requests",
        )


def _check_submit_limit(actor):
    _lock_buyer(actor)
    limit = settings.INTAKE_MAX_SUBMITS_PER_DAY
    since = timezone.now() - datetime.timedelta(days=1)
    if IntakeRequest.objects.filter(requester=actor, submitted_at__gte=since).count() >= limit:
        raise TransitionRefused(
            _("You can submit at most %(limit)s request a day; your draft is kept, submit it tomorrow.")
            % {"limit": limit},
            code="too_many_submits",
        )


def _flow_exists(*, vendor, system, mechanism, categories):
    """Whether the vendor already has a planned or running flow from the system, by the mechanism, that shares
    every one of the categories."""
    wanted = {category.pk for category in categories}
    flows = DataFlow.objects.filter(active_flow_q(), vendor=vendor, system=system, mechanism=mechanism)
    for flow in flows.prefetch_related("flow_categories"):
        shared = {row.category_id for row in flow.flow_categories.all() if row.sharing == Sharing.SHARED}
        if wanted <= shared:
            return True
    return False


def _open_intake_review(vendor):
    return (
        Review.objects.filter(vendor=vendor, kind=ReviewKind.INTAKE, state__in=OPEN_STATES)
        .order_by("-created_at", "-id")
        .first()
    )


def _vendor_for(intake):
    if intake.vendor_choice == VendorChoice.EXISTING:
        vendor = Vendor.objects.select_for_update().get(pk=intake.existing_vendor_id)
        message = closed_vendor_message(vendor)
        if message:
            raise ValidationError({"existing_vendor_name": message})
        return vendor
    slug = new_vendor_slug(intake.vendor_name)
    clash = _("“%(name)s” clashes with a vendor already in the register (identifier “%(slug)s”).") % {
        "name": intake.vendor_name,
        "slug": slug,
    }
    if Vendor.objects.filter(slug=slug).exists():
        raise ValidationError({"vendor_name": clash})
    try:
        # A savepoint, so that losing a race for the slug leaves the outer transaction usable for the error.
        with transaction.atomic():
            return Vendor.objects.create(
                slug=slug,
                legal_name=intake.vendor_name,
                display_name=intake.vendor_name,
                website=intake.vendor_website,
                hq_country=intake.vendor_country,
                category=intake.vendor_category,
                status=VendorStatus.PROPOSED,
                description=intake.service_description,
            )
    except IntegrityError as exc:
        raise ValidationError({"vendor_name": clash}) from exc


def _service_for(intake, vendor):
    slug = slugify(intake.service_name)[:80] or "service"
    service, created = VendorService.objects.get_or_create(
        vendor=vendor,
        slug=slug,
        defaults={
            "name": intake.service_name or slug,
            "description": intake.service_description,
            "business_criticality": intake.business_criticality,
            "production_access": intake.production_access,
            "handles_secrets": intake.handles_secrets,
        },
    )
    if not created and (intake.production_access or intake.handles_secrets):
        # An existing service only gains exposure from a new request; the review decides if it loses any.
        service.production_access = service.production_access or intake.production_access
        service.handles_secrets = service.handles_secrets or intake.handles_secrets
        service.save(update_fields=["production_access", "handles_secrets", "updated_at"])
    return service


def _flow_code(system, vendor, service):
    # Readable and stable: "<system>-to-<vendor>", numbered when that vendor already has a flow from the system.
    base = f"{system.slug}-to-{vendor.slug}"
    code, number = base[:120], 1
    while DataFlow.objects.filter(code=code).exists():
        number += 1
        code = f"{base[:112]}-{number}"
    return code
