"""`manage.py vendors_receiving CODE`: which vendors receive a data category, through which system and how.

`--through SUBPROCESSOR` answers the same question one step further: which of our data reaches that subprocessor
(a vendor's vendor, or further down the chain), through which of our vendors and flows (apps.monitoring.chain).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.datamap.choices import Mechanism
from apps.datamap.selectors import category_get, category_subtree, vendors_receiving


class Command(BaseCommand):
    help = (
        "List the vendors receiving a data category (or any category below it), with system and mechanism; "
        "with --through, what reaches a subprocessor through the chain."
    )

    def add_arguments(self, parser):
        parser.add_argument("category_code", nargs="?", help='e.g. "contact" or "email-address"')
        parser.add_argument("--exact", action="store_true", help="Leave out the categories below this one.")
        parser.add_argument("--mechanism", choices=Mechanism.values)
        parser.add_argument(
            "--current-only", action="store_true", help="Leave out flows that have ended (by default they count)."
        )
        parser.add_argument(
            "--through", metavar="SUBPROCESSOR", help="A subprocessor's slug: what of our data reaches it, and how."
        )
        parser.add_argument("--depth", type=int, help="With --through: hops down the chain (default: the limit).")

    def handle(self, *args, category_code, exact, mechanism, current_only, through, depth, **options):
        if through:
            self._through(through, category_code, exact, mechanism, current_only, depth)
            return
        if not category_code:
            raise CommandError("Name a data category, or a subprocessor with --through.")
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

    def _through(self, slug, category_code, exact, mechanism, current_only, depth):
        # Imported here: the data map sits below monitoring; only this door reaches up to it.
        from apps.monitoring.chain import subprocessor_exposure
        from apps.vendors.models import Vendor

        subprocessor = Vendor.objects.filter(slug=slug).first()
        if subprocessor is None:
            raise CommandError(f"No vendor with the slug {slug}.")
        try:
            wanted = None
            if category_code:
                category = category_get(code=category_code)
                wanted = set(
                    category_subtree(category=category, include_descendants=not exact).values_list("code", flat=True)
                )
            answer = subprocessor_exposure(subprocessor=subprocessor, depth=depth, active_only=current_only)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        lines = []
        for path in answer["paths"]:
            chain = " → ".join(path["vendors"])
            for flow in path["flows"]:
                if mechanism and flow["mechanism"] != mechanism:
                    continue
                codes = [code for code in flow["categories"] if wanted is None or code in wanted]
                if not codes:
                    continue
                assumed = "\tassumed (a hop declares nothing)" if path["assumed"] else ""
                ended = f"\tended {flow['ended_on']}" if flow["ended_on"] else ""
                lines.append(
                    f"{path['vendors'][0]}\t{chain}\t{flow['system']}\t{flow['mechanism']}\t{flow['flow']}\t"
                    f"{', '.join(codes)}{ended}{assumed}"
                )
        if not lines:
            self.stdout.write(f"None of our data reaches {slug} through the chain (depth {answer['depth_limit']}).")
        for line in lines:
            self.stdout.write(line)
        if answer["truncated"]:
            self.stdout.write(f"(the chain goes deeper than {answer['depth_limit']} hops: raise --depth to see more)")
