from django.urls import path

from . import views

app_name = "mensageria"

urlpatterns = [
    path("mensagens/", views.mensagem_list, name="mensagem_list"),
    path("mensagens/com-erro/", views.mensagem_erros, name="mensagem_erros"),
    path("mensagens/<int:pk>/reenviar/", views.mensagem_reenviar, name="mensagem_reenviar"),
    path("mensagens/<int:pk>/descartar/", views.mensagem_descartar, name="mensagem_descartar"),
    path("mensagens/<int:pk>/confirmar/", views.mensagem_confirmar, name="mensagem_confirmar"),
    path("sms-recebidos/", views.sms_recebido_list, name="sms_recebido_list"),
    path("sms-recebidos/<int:pk>/anexar/", views.sms_recebido_anexar, name="sms_recebido_anexar"),
    path(
        "sms-recebidos/<int:pk>/descartar/",
        views.sms_recebido_descartar,
        name="sms_recebido_descartar",
    ),
    path("modems/", views.modem_status, name="modem_status"),
    path("modems/<int:pk>/", views.modem_detalhe, name="modem_detalhe"),
    path("modems/<int:pk>/retomar/", views.modem_retomar, name="modem_retomar"),
    path("modems/<int:pk>/pausar/", views.modem_pausar, name="modem_pausar"),
]
