from django.apps import AppConfig


class AtendimentoConfig(AppConfig):
    name = "atendimento"
    verbose_name = "Atendimento"

    def ready(self):
        from django.conf import settings
        from PIL import Image

        # Pillow's own guard (it refuses at twice this): images past the attachment
        # limit are refused from their header before that (services/anexos.py).
        Image.MAX_IMAGE_PIXELS = settings.ANEXO_IMAGEM_MAX_PIXELS
