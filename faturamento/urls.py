from django.urls import path

from faturamento.views import balcao, processos
from faturamento.views import modelos as views_modelos

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

# The Processos screen: batch runs and imports, their live progress, start and cancel.
urlpatterns += [
    path("processos/", processos.processo_list, name="processos"),
    path("processos/iniciar/", processos.processo_iniciar, name="processo_iniciar"),
    path("processos/<int:pk>/", processos.processo_detalhe, name="processo"),
    path(
        "processos/<int:pk>/cancelar/", processos.processo_cancelar_view, name="processo_cancelar"
    ),
]

# Template forms (admin): the SMS counter.
urlpatterns += [
    path("modelos/contador-sms/", views_modelos.contador_sms, name="contador_sms"),
]
