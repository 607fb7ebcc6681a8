"""The boletim de OS concluídas as PDF, with fpdf2 (pure Python: nothing to apt-get)."""

from django.utils import timezone
from fpdf import FPDF


def _t(texto) -> str:
    """The core PDF fonts speak Latin-1: keep accents, replace what they cannot draw."""
    texto = str(texto).replace("—", "-").replace("–", "-").replace("“", '"').replace("”", '"')
    return texto.encode("latin-1", "replace").decode("latin-1")


def _moeda(valor) -> str:
    inteiro, _, centavos = f"{valor or 0:,.2f}".partition(".")
    return f"R$ {inteiro.replace(',', '.')},{centavos}"


def boletim_pdf(*, filtros, resumo, emitido_por) -> bytearray:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title("Boletim de OS concluídas")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, _t("Boletim de Ordens de Serviço concluídas"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    periodo = f"Período de execução: {filtros['de']:%d/%m/%Y} a {filtros['ate']:%d/%m/%Y}"
    for linha in (
        periodo,
        "Unidade: " + (str(filtros["unidade"]) if filtros.get("unidade") else "todas"),
        "Equipe: " + (filtros["equipe"].nome if filtros.get("equipe") else "todas"),
        "Tipo de serviço: "
        + (str(filtros["tipo_servico"]) if filtros.get("tipo_servico") else "todos"),
        f"Emitido em {timezone.localtime():%d/%m/%Y %H:%M} por {emitido_por}",
    ):
        pdf.cell(0, 5, _t(linha), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    larguras = (22, 50, 78, 16, 24)
    cabecalho = ("Unidade", "Equipe", "Tipo de serviço", "Qtde", "Valor")
    pdf.set_font("Helvetica", "B", 9)
    pdf.set_fill_color(230, 230, 230)
    for largura, titulo in zip(larguras, cabecalho, strict=True):
        pdf.cell(
            largura,
            6,
            _t(titulo),
            border=1,
            fill=True,
            align="R" if titulo in ("Qtde", "Valor") else "L",
        )
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    for linha in resumo["linhas"]:
        valores = (
            linha["equipe__unidade__sigla"] or "",
            linha["equipe__nome"],
            linha["tipo_servico__descricao"],
            str(linha["quantidade"]),
            _moeda(linha["valor"]),
        )
        for i, (largura, valor) in enumerate(zip(larguras, valores, strict=True)):
            pdf.cell(largura, 6, _t(valor)[:48], border=1, align="R" if i >= 3 else "L")
        pdf.ln()
    pdf.set_font("Helvetica", "B", 9)
    pdf.cell(sum(larguras[:3]), 6, "Total", border=1)
    pdf.cell(larguras[3], 6, str(resumo["totais"]["quantidade"] or 0), border=1, align="R")
    pdf.cell(larguras[4], 6, _t(_moeda(resumo["totais"]["valor"])), border=1, align="R")
    pdf.ln()
    if not resumo["linhas"]:
        pdf.ln(4)
        pdf.set_font("Helvetica", "I", 9)
        pdf.cell(0, 5, _t("Nenhuma OS executada no período."), new_x="LMARGIN", new_y="NEXT")
    return pdf.output()
