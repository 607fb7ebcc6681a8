from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": (
            "Usuário ou senha incorretos. Confira e tente de novo "
            "(maiúsculas e minúsculas fazem diferença)."
        ),
        "inactive": "Este usuário está desativado. Procure o administrador do sistema.",
    }
