from django.urls import path

from atendimento.views import (
    abertura,
    acoes,
    alteracao,
    anexos,
    central,
    consulta,
    contato,
    exportacao,
    numeracao,
    painel,
)

app_name = "atendimento"

urlpatterns: list = [
    # Writes (opening and one screen per transition)
    path("ra/novo/", abertura.inserir, name="inserir"),
    path("ra/novo/simplificado/", abertura.inserir_simplificado, name="inserir_simplificado"),
    path("ra/novo/especificacao/", abertura.especificacao_info, name="especificacao_info"),
    path("ra/novo/sms/", abertura.sms_previsao, name="sms_previsao"),
    path("ra/<int:pk>/confirmacao/", abertura.confirmacao, name="confirmacao"),
    path("ra/<int:pk>/comprovante/", abertura.comprovante, name="comprovante"),
    path("ra/<int:pk>/tramitar/", acoes.tramitar, name="tramitar"),
    path("ra/<int:pk>/encerrar/", acoes.encerrar, name="encerrar"),
    path("ra/<int:pk>/reiterar/", acoes.reiterar, name="reiterar"),
    path("ra/<int:pk>/contato/", contato.contato, name="contato"),
    path("contato/<int:pk>/", contato.contato_confirmacao, name="contato_confirmacao"),
    path("ra/<int:pk>/reativar/", acoes.reativar, name="reativar"),
    path("ra/<int:pk>/assumir/", acoes.assumir, name="assumir"),
    path("ra/<int:pk>/encaminhar/", acoes.encaminhar, name="encaminhar"),
    path("ra/<int:pk>/desbloquear/", acoes.desbloquear, name="desbloquear"),
    path("ra/<int:pk>/mensagem/", acoes.mensagem, name="mensagem"),
    path("ra/<int:pk>/prorrogar/", acoes.prorrogar, name="prorrogar"),
    path("ra/<int:pk>/pausar/", acoes.pausar, name="pausar"),
    path("ra/<int:pk>/retomar/", acoes.retomar, name="retomar"),
    path("ra/<int:pk>/anexar/", acoes.anexar, name="anexar"),
    path("ra/<int:pk>/alterar/", alteracao.alterar, name="alterar"),
    path("numeracao-manual/", numeracao.numeracao_manual, name="numeracao_manual"),
    # Reads (search, Consultar RA, the unit's queue, panel, CSV, attachments)
    path("ra/", consulta.busca, name="busca"),
    path("ra/contagem/", consulta.contagem_busca, name="contagem_busca"),
    path("ra/exportar.csv", exportacao.exportar_csv, name="exportar_csv"),
    path("ra/<int:pk>/", consulta.detalhe, name="detalhe"),
    path("minha-unidade/", consulta.minha_unidade, name="minha_unidade"),
    path("painel/", painel.painel, name="painel"),
    path("anexos/<int:pk>/", anexos.anexo, name="anexo"),
    # The operator console, "Central de atendimento ao cliente" (seed 004)
    path("central/", central.central, name="central"),
    path("central/contagem/", central.contagem, name="central_contagem"),
    path("central/exportar.csv", central.exportar_csv, name="central_exportar_csv"),
    path("central/<int:pk>/", central.central, name="central_contato"),
    path("central/<int:pk>/atender/", central.atender, name="central_atender"),
    path("central/<int:pk>/responder/", central.responder, name="central_responder"),
    path("central/<int:pk>/pendente/", central.pendente, name="central_pendente"),
    path("central/<int:pk>/desistir/", central.desistir, name="central_desistir"),
    path("central/<int:pk>/excluir/", central.excluir, name="central_excluir"),
    path("central/<int:pk>/encerrar/", central.encerrar, name="central_encerrar"),
    path("central/<int:pk>/encaminhar/", central.encaminhar, name="central_encaminhar"),
]
