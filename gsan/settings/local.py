"""Development: embedded defaults, debug on."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DEBUG", default=True)

# Without EMAIL_URL, sent e-mail is written as files under var/mail/ (one .log file
# per connection, each holding the messages it sent), readable with any pager.
if not env("EMAIL_URL", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")

# `make run` serves on 127.0.0.1:PORT, so the SMS short links point there.
URL_PUBLICA = env.str("URL_PUBLICA", default=f"http://127.0.0.1:{env.str('PORT', default='8000')}")
