"""The asset changelist's currency filter lists the currencies in use by a loose index scan
(recovery.admin_base.distinct_values), which needs an index on the column (docs/perf.md)."""

from django.db import migrations

from recovery.perf_indexes import create

INDEXES = (("asset_currency_idx", "assets_asset", "(currency)"),)


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [("assets", "0004_perf_indexes")]

    operations = [migrations.RunPython(*create(*INDEXES))]
