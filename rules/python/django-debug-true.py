import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]

# ruleid: python.django-debug-true
DEBUG = True

# ok: python.django-debug-true
DEBUG = os.environ.get("DJANGO_DEBUG") == "1"

# ok: python.django-debug-true
TEMPLATE_DEBUG = True

ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = ["django.contrib.admin", "django.contrib.auth", "shop"]

if os.environ.get("LOCAL"):
    # ruleid: python.django-debug-true
    DEBUG = True
