from django.urls import path

from faturamento.views import balcao

app_name = "faturamento"

# Each screen of the app adds its routes here.
urlpatterns: list = []

# At the counter (imóvel page): send one open bill's linha digitável to the client.
urlpatterns += [
    path(
        f"imoveis/<int:imovel_pk>/contas/<int:pk>/enviar-{canal}/",
        balcao.conta_enviar,
        {"canal": canal},
        name=f"conta_enviar_{canal}",
    )
    for canal in ("sms", "email")
]
