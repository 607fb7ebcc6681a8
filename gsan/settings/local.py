"""Development: embedded defaults, debug on."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DEBUG", default=True)

# Without EMAIL_URL, sent e-mail is written as files under var/mail/ (one .log file
# per connection, each holding the messages it sent), readable with any pager.
if not env("EMAIL_URL", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
