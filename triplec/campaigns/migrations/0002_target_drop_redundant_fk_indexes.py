# The single-column indexes Django adds to foreign keys duplicate the leading column of Target's composite
# indexes and unique constraint; dropping them saves three index writes per target of a campaign start.
#
# Dropped by name rather than by AlterField: on PostgreSQL, AlterField(db_index=False) drops every plain
# index on the column, the partial unique index one_new_teguran_message_per_letter included.

import django.db.models.deletion
from django.db import migrations, models

INDEXES = {
    "campaign_id": "campaigns_target_campaign_id_d755a985",
    "letter_id": "campaigns_target_letter_id_3a372450",
    "taxpayer_id": "campaigns_target_taxpayer_id_2b12e79e",
}


class Migration(migrations.Migration):

    dependencies = [
        ("campaigns", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(f'DROP INDEX IF EXISTS "{name}"',
                                  reverse_sql=f'CREATE INDEX "{name}" ON "campaigns_target" ("{column}")')
                for column, name in INDEXES.items()
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="target",
                    name="campaign",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                            related_name="targets", to="campaigns.campaign"),
                ),
                migrations.AlterField(
                    model_name="target",
                    name="letter",
                    field=models.ForeignKey(blank=True, db_index=False, null=True,
                                            on_delete=django.db.models.deletion.PROTECT,
                                            related_name="campaign_targets", to="ledger.suratteguran"),
                ),
                migrations.AlterField(
                    model_name="target",
                    name="taxpayer",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="campaign_targets", to="taxpayers.taxpayer"),
                ),
            ],
        ),
    ]
