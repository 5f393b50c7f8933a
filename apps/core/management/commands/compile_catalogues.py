import os
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile every .po message catalogue of the project into .mo, in pure Python (no GNU gettext needed)."

    def handle(self, *args, **options):
        roots = [Path(p) for p in settings.LOCALE_PATHS] + sorted(Path(settings.BASE_DIR, "apps").glob("*/locale"))
        compiled = 0
        for root in roots:
            for po_path in sorted(root.glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                # Written beside and renamed into place: the suite's parallel workers (and a running server) may
                # read the catalogue while another process compiles it, and must never see half a file.
                partial = mo_path.with_name(f"{mo_path.name}.{os.getpid()}.partial")
                polib.pofile(str(po_path)).save_as_mofile(str(partial))
                os.replace(partial, mo_path)
                compiled += 1
        self.stdout.write(f"compiled {compiled} catalogue(s)")
