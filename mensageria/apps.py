from django.apps import AppConfig


class MensageriaConfig(AppConfig):
    name = "mensageria"
    verbose_name = "Mensageria (SMS e e-mail)"
