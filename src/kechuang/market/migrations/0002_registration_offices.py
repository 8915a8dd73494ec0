from django.db import migrations


def load_offices(apps, schema_editor):
    from kechuang.market.contracts import offices

    offices.load(apps)


class Migration(migrations.Migration):
    dependencies = [("market", "0001_initial"), ("core", "0003_holiday")]
    operations = [migrations.RunPython(load_offices, migrations.RunPython.noop)]
