from django.urls import path

from portal.views import conta, contatos

app_name = "portal"

urlpatterns = [
    # Accounts (portal.views.conta)
    path("entrar/", conta.entrar, name="entrar"),
    path("sair/", conta.sair, name="sair"),
    path("cadastro/", conta.cadastro, name="cadastro"),
    path("cadastro/enviado/", conta.cadastro_enviado, name="cadastro_enviado"),
    path("cadastro/confirmar/<str:token>/", conta.confirmar, name="confirmar"),
    path("senha/", conta.senha_pedir, name="senha_pedir"),
    path("senha/enviada/", conta.senha_enviada, name="senha_enviada"),
    path("senha/<uidb64>/<token>/", conta.senha_definir, name="senha_definir"),
    path("senha/definida/", conta.senha_definida, name="senha_definida"),
    # Contacts (portal.views.contatos)
    path("", contatos.em_aberto, name="inicio"),
    path("encerrados/", contatos.encerrados, name="encerrados"),
    path("novo/", contatos.novo, name="novo"),
    path("contatos/<int:pk>/", contatos.contato, name="contato"),
    path("contatos/<int:pk>/protocolo/", contatos.confirmacao, name="confirmacao"),
    path("contatos/<int:pk>/complementar/", contatos.complementar, name="complementar"),
    path("contatos/<int:pk>/conversa/", contatos.conversa, name="conversa"),
    path("anexos/<int:pk>/", contatos.anexo, name="anexo"),
]
