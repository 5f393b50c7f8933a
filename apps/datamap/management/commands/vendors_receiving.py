"""`manage.py vendors_receiving CODE`: which vendors receive a data category, through which system and how."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.datamap.choices import Mechanism
from apps.datamap.selectors import vendors_receiving


class Command(BaseCommand):
    help = "List the vendors receiving a data category (or any category below it), with system and mechanism."

    def add_arguments(self, parser):
        parser.add_argument("category_code", help='e.g. "contact" or "email-address"')
        parser.add_argument("--exact", action="store_true", help="Leave out the categories below this one.")
        parser.add_argument("--mechanism", choices=Mechanism.values)
        parser.add_argument(
            "--current-only", action="store_true", help="Leave out flows that have ended (by default they count)."
        )

    def handle(self, *args, category_code, exact, mechanism, current_only, **options):
        try:
            vendors = list(
                vendors_receiving(
                    category_code=category_code,
                    include_descendants=not exact,
                    mechanism=mechanism,
                    active_only=current_only,
                )
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if not vendors:
            self.stdout.write(f"No vendor receives {category_code}.")
        for vendor in vendors:
            for flow in vendor.receiving_flows:
                categories = ", ".join(row.category.code for row in flow.matching_categories)
                ended = f"\tended {flow.ends_on.isoformat()}" if flow.ends_on else ""
                self.stdout.write(
                    f"{vendor.slug}\t{flow.system.slug}\t{flow.mechanism}\t{flow.code}\t{categories}{ended}"
                )
