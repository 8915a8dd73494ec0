import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
application = get_wsgi_application()

# A production server does not start with the published secret key or without its hosts.
from kechuang.core.checks import refuse_unsafe_start  # noqa: E402

refuse_unsafe_start()
