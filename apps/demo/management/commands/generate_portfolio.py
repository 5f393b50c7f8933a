from django.core.management.base import BaseCommand, CommandError

from apps.demo.portfolio import RegisterNotEmpty, generate_portfolio


class Command(BaseCommand):
    help = (
        "Write a deterministic synthetic portfolio (vendors, services, flows with 3-12 categories, contracts, "
        "documents, requirement statuses, reviews with transitions, incidents) in bulk, for scale tests."
    )

    def add_arguments(self, parser):
        parser.add_argument("--vendors", type=int, default=1000)
        parser.add_argument("--systems", type=int, default=50)
        parser.add_argument("--flows-per-vendor", type=int, default=10, help="Average; each vendor gets 0.5-1.5x.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--heavy-vendor-flows", type=int, default=200, help="Flows of vendor 0, used by the report benchmarks."
        )
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--append", action="store_true", help="Add to a register that already holds vendors.")

    def handle(self, *args, **options):
        self.stdout.write(
            f"Generating {options['vendors']:,} vendors (seed {options['seed']}); bulk inserts record no history."
        )
        try:
            result = generate_portfolio(
                vendors=options["vendors"],
                systems=options["systems"],
                flows_per_vendor=options["flows_per_vendor"],
                seed=options["seed"],
                heavy_vendor_flows=options["heavy_vendor_flows"],
                batch_size=options["batch_size"],
                append=options["append"],
                progress=self.stdout.write if options["verbosity"] else None,
            )
        except (RegisterNotEmpty, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        width = max(len(key) for key in result)
        for key, value in result.items():
            shown = f"{value:,}" if isinstance(value, int) else value
            self.stdout.write(f"  {key:<{width}}  {shown}")
