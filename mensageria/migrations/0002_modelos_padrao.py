from django.db import migrations

MODELOS = {
    "ra_aberto": "{empresa}: sua solicitacao ({especificacao}) foi registrada. "
    "Protocolo {protocolo}. Previsao: {data_prevista}.",
    "ra_existente": "{empresa}: ja existe um atendimento para o problema informado. "
    "Acompanhe pelo protocolo {protocolo}. Previsao: {data_prevista}.",
    "ra_atendido": "{empresa}: o atendimento do protocolo {protocolo} ({especificacao}) "
    "foi concluido. Obrigado!",
}


def criar(apps, schema_editor):
    ModeloMensagem = apps.get_model("mensageria", "ModeloMensagem")
    for evento, texto in MODELOS.items():
        ModeloMensagem.objects.get_or_create(evento=evento, defaults={"texto": texto})
    apps.get_model("mensageria", "Parametros").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("mensageria", "0001_initial")]
    operations = [migrations.RunPython(criar, migrations.RunPython.noop)]
