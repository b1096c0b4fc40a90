from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("certificates", "0003_private_signature_and_seal"),
    ]

    operations = [
        migrations.RemoveField(model_name="certificatetemplate", name="seal_image"),
        migrations.RemoveField(model_name="certificatetemplate", name="signature_image"),
    ]
