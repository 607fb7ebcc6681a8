"""Bulk RAs for the search benchmark, written by PostgreSQL itself (INSERT … SELECT).

Used by ``bench_ra_busca.py`` only when ``generate_volume --ras`` is not available.
It builds a realistic spread over five years, ids growing with the opening time as
in production: RAs older than 60 days are 95 % closed (the rest an overdue backlog),
newer ones 40 % closed, 3 % blocked, the rest pending (so overdue, atenção and no
prazo all occur),
each RA with the imóvel's own client as solicitante and its point, its opening event and
trâmite #1, a second trâmite for a third of them and the closing event.
A million RAs with ~3.4 million history rows take a few minutes.
"""

import random
import time

from django.db import connection, transaction

LOTE = 100_000
N_UNIDADES = 30
N_ESPECIFICACOES = 40


def _catalogo(aleatorio):
    from atendimento.models import (
        Especificacao,
        GrupoSolicitacao,
        MeioSolicitacao,
        MotivoEncerramento,
        TipoSolicitacao,
    )
    from cadastro.models import UnidadeOrganizacional, Usuario

    grupos = [GrupoSolicitacao.objects.get_or_create(nome=n)[0] for n in ("Água", "Esgoto")]
    especificacoes = []
    for t in range(8):
        tipo, _ = TipoSolicitacao.objects.get_or_create(
            grupo=grupos[t % 2], nome=f"Volume tipo {t}"
        )
        for e in range(N_ESPECIFICACOES // 8):
            esp, _ = Especificacao.objects.get_or_create(
                tipo=tipo, nome=f"Volume especificação {t}.{e}", defaults={"prazo_dias": 2 + e * 3}
            )
            especificacoes.append(esp)
    meios = [
        MeioSolicitacao.objects.get_or_create(nome=n)[0]
        for n in ("Balcão", "Telefone", "Internet", "Aplicativo", "SMS", "Interno")
    ]
    motivo, _ = MotivoEncerramento.objects.get_or_create(
        nome="Volume: executado", defaults={"tipo": "executado"}
    )
    gerencia, _ = UnidadeOrganizacional.objects.get_or_create(
        sigla="VGER", defaults={"nome": "Volume gerência", "tipo": "gerencia"}
    )
    unidades = []
    for u in range(N_UNIDADES):
        unidade, _ = UnidadeOrganizacional.objects.get_or_create(
            sigla=f"V{u:02d}",
            defaults={
                "nome": f"Volume unidade {u:02d}",
                "tipo": "central" if u < 5 else "operacional",
                "abre_ra": u < 5,
                "central_atendimento": u < 5,
                "superior": gerencia,
            },
        )
        unidades.append(unidade)
    usuarios = []
    for u, unidade in enumerate(unidades):
        for k in range(5):
            usuario, _ = Usuario.objects.get_or_create(
                username=f"volume{u:02d}_{k}",
                defaults={
                    "unidade": unidade,
                    "first_name": aleatorio.choice(["Ana", "Bruno", "Carla", "Davi", "Elza"]),
                    "last_name": f"Volume {u:02d}{k}",
                },
            )
            usuarios.append(usuario)
    return especificacoes, meios, motivo, unidades, usuarios


def _arr(valores) -> str:
    return "ARRAY[" + ",".join(str(int(v)) for v in valores) + "]::bigint[]"


def gerar_ras(quantidade: int, stdout=None) -> None:
    aleatorio = random.Random(quantidade)
    especificacoes, meios, motivo, unidades, usuarios = _catalogo(aleatorio)
    abertura_unidades = [u.pk for u in unidades[:5]]
    usuarios_abertura = [x.pk for x in usuarios if x.unidade_id in abertura_unidades]
    todas_unidades = [u.pk for u in unidades]
    todos_usuarios = [x.pk for x in usuarios]
    inicio = time.monotonic()
    with connection.cursor() as cur:
        cur.execute("SELECT coalesce(max(id), 0) FROM atendimento_registroatendimento")
        base = cur.fetchone()[0]
        cur.execute("DROP TABLE IF EXISTS vol_imovel_cliente")
        cur.execute(
            "CREATE TEMP TABLE vol_imovel_cliente AS "
            "SELECT row_number() OVER (ORDER BY imovel_id) AS n, imovel_id, cliente_id, "
            "i.latitude, i.longitude "
            "FROM cadastro_clienteimovel ci JOIN cadastro_imovel i ON i.id = ci.imovel_id "
            "WHERE relacao = 'usuario' AND data_fim IS NULL"
        )
        cur.execute("SELECT count(*) FROM vol_imovel_cliente")
        n_imoveis = cur.fetchone()[0]
        if not n_imoveis:
            raise RuntimeError("Gere os imóveis antes: generate_volume --imoveis N.")
        cur.execute("CREATE INDEX vol_imovel_cliente_n ON vol_imovel_cliente (n)")
    feitos = 0
    while feitos < quantidade:
        n = min(LOTE, quantidade - feitos)
        de, ate = base + feitos + 1, base + feitos + n
        with transaction.atomic(), connection.cursor() as cur:
            _lote_ras(
                cur,
                de,
                ate,
                n_imoveis,
                primeiro=base + 1,
                total=quantidade,
                especificacoes=_arr(e.pk for e in especificacoes),
                prazos="ARRAY[" + ",".join(str(e.prazo_dias) for e in especificacoes) + "]",
                meios=_arr(m.pk for m in meios),
                unidades_abertura=_arr(abertura_unidades),
                usuarios_abertura=_arr(usuarios_abertura),
                unidades=_arr(todas_unidades),
                usuarios=_arr(todos_usuarios),
                motivo=motivo.pk,
            )
        feitos += n
        if stdout is not None:
            taxa = feitos / max(time.monotonic() - inicio, 0.001)
            stdout.write(f"  {feitos}/{quantidade} RAs ({taxa:.0f}/s)\n")
    with connection.cursor() as cur:
        for tabela in (
            "atendimento_registroatendimento",
            "atendimento_tramite",
            "atendimento_eventora",
        ):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{tabela}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {tabela}))"
            )
            # VACUUM fills the visibility map (index-only scans), as autovacuum would;
            # inside a transaction (tests) only ANALYZE is possible.
            comando = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            cur.execute(f"{comando} {tabela}")
        cur.execute("ANALYZE cadastro_cliente")
        cur.execute("ANALYZE cadastro_imovel")


def _um_de(arr: str, salto: int) -> str:
    """SQL picking one element of ``arr`` for RA ``g`` (spread by a prime stride)."""
    return f"({arr})[1 + (g * {salto}) % array_length({arr}, 1)]"


def _lote_ras(cur, de, ate, n_imoveis, *, primeiro, total, **p):
    # h: a deterministic pseudo-random in [0, 1) per RA and purpose.
    cur.execute(
        f"""
        INSERT INTO atendimento_registroatendimento (
            id, protocolo, numero_manual, especificacao_id, meio_id, situacao, descricao,
            imovel_id, local_ocorrencia, latitude, longitude, tipo_solicitante, cliente_id,
            solicitante_nome, solicitante_telefone, solicitante_email, solicitante_cpf_cnpj,
            unidade_abertura_id, usuario_abertura_id, unidade_atual_id, responsavel_id,
            data_abertura, data_prevista_original, data_prevista_atual, data_atencao,
            data_encerramento, pausado_desde, tempo_pausado, motivo_encerramento_id,
            parecer_encerramento, prioridade, urgente, quantidade_reiteracoes,
            melhor_horario, origem, interacao_pendente, versao, titulo, excluido
        )
        SELECT
            g, '2099' || '9' || lpad(g::text, 9, '0'), '', esp, meio, sit,
            'Relato de volume número ' || g,
            CASE WHEN livre THEN NULL ELSE ic.imovel_id END,
            CASE WHEN livre THEN 'Rua sem cadastro, ' || (g % 900) ELSE '' END,
            -- The RA keeps its imóvel's point (as the opening service does); a free
            -- requester's RA has none.
            CASE WHEN livre THEN NULL ELSE ic.latitude END,
            CASE WHEN livre THEN NULL ELSE ic.longitude END,
            CASE WHEN livre THEN 'livre' ELSE 'cliente' END,
            CASE WHEN livre THEN NULL ELSE ic.cliente_id END,
            CASE WHEN livre THEN 'Solicitante avulso ' || g ELSE '' END,
            CASE WHEN livre THEN '+55819' || lpad((g % 100000000)::text, 8, '0') ELSE '' END,
            '', '',
            un_ab, us_ab,
            CASE WHEN h4 < 0.6 THEN un_ab ELSE un_at END,
            CASE WHEN sit <> 'encerrado' AND h5 < 0.5 THEN us_resp END,
            ab, ab + prazo, ab + prazo, ab + prazo * 0.8,
            CASE WHEN sit = 'encerrado' THEN least(ab + prazo * (h5 * 1.6), now()) END,
            NULL, interval '0', CASE WHEN sit = 'encerrado' THEN {p["motivo"]} END,
            CASE WHEN sit = 'encerrado' THEN 'Serviço executado.' ELSE '' END,
            2, false, 0, '', 'interna',
            CASE WHEN sit <> 'encerrado' AND h5 < 0.1 THEN 'externa' ELSE 'nenhuma' END, 1,
            '', false
        FROM (
            SELECT g, h1, h2, h3, h4, h5, idade,
                   h1 < 0.03 AS livre,
                   {_um_de(p["especificacoes"], 7)}
                       AS esp,
                   make_interval(
                       days => {_um_de(p["prazos"], 7)}
                   ) AS prazo,
                   {_um_de(p["meios"], 13)} AS meio,
                   CASE WHEN idade > 60 * 86400 THEN
                            CASE WHEN h2 < 0.95 THEN 'encerrado'
                                 WHEN h2 < 0.955 THEN 'bloqueado' ELSE 'pendente' END
                        ELSE
                            CASE WHEN h2 < 0.40 THEN 'encerrado'
                                 WHEN h2 < 0.43 THEN 'bloqueado' ELSE 'pendente' END
                   END AS sit,
                   {_um_de(p["unidades_abertura"], 3)}
                       AS un_ab,
                   {_um_de(p["usuarios_abertura"], 11)}
                       AS us_ab,
                   {_um_de(p["unidades"], 17)} AS un_at,
                   {_um_de(p["usuarios"], 19)} AS us_resp,
                   now() - make_interval(secs => idade) AS ab
            FROM (
                SELECT g,
                       -- Opening time grows with the id (as in production), over five
                       -- years, with up to an hour of jitter.
                       (1 - (g - {primeiro})::float / {total}) * 5 * 365 * 86400
                           + ((g * 69069 + 1) % 1000033) / 1000033.0 * 3600 AS idade,
                       ((g * 2654435761) % 1000003) / 1000003.0 AS h1,
                       ((g * 40503) % 99991) / 99991.0 AS h2,
                       ((g * 69069 + 1) % 1000033) / 1000033.0 AS h3,
                       ((g * 1103515245 + 12345) % 65537) / 65537.0 AS h4,
                       ((g * 22695477 + 1) % 32771) / 32771.0 AS h5
                FROM generate_series({de}::bigint, {ate}::bigint) AS g
            ) AS sorteio
        ) AS r
        JOIN vol_imovel_cliente ic ON ic.n = 1 + (r.g * 7919) % {n_imoveis}
        """
    )
    cur.execute(
        f"""
        INSERT INTO atendimento_eventora (ra_id, tipo, situacao_anterior, situacao_nova,
                                          usuario_id, data, descricao, dados)
        SELECT id, 'abertura', '', 'pendente', usuario_abertura_id, data_abertura,
               'RA aberto — protocolo ' || protocolo || '.', '{{}}'::jsonb
        FROM atendimento_registroatendimento WHERE id BETWEEN {de} AND {ate}
        UNION ALL
        SELECT id, 'encerramento', 'pendente', 'encerrado', usuario_abertura_id,
               data_encerramento, parecer_encerramento, '{{}}'::jsonb
        FROM atendimento_registroatendimento
        WHERE id BETWEEN {de} AND {ate} AND situacao = 'encerrado'
        """
    )
    cur.execute(
        f"""
        INSERT INTO atendimento_tramite (ra_id, unidade_origem_id, unidade_destino_id,
                                         usuario_id, data, parecer)
        SELECT id, unidade_abertura_id, unidade_abertura_id, usuario_abertura_id,
               data_abertura, 'Trâmite inicial.'
        FROM atendimento_registroatendimento WHERE id BETWEEN {de} AND {ate}
        UNION ALL
        SELECT id, unidade_abertura_id, unidade_atual_id, usuario_abertura_id,
               data_abertura + interval '3 hours', 'Encaminhado para execução.'
        FROM atendimento_registroatendimento
        WHERE id BETWEEN {de} AND {ate} AND unidade_atual_id <> unidade_abertura_id
        """
    )
