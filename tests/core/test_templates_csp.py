"""Templates hold nothing the Content-Security-Policy blocks, even on screens no browser test opens."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PROIBIDOS = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "<style> element": re.compile(r"<style[\s>]", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def test_nenhum_template_tem_script_estilo_ou_handler_inline():
    achados = []
    for arquivo in sorted(TEMPLATES.rglob("*.html")):
        texto = arquivo.read_text(encoding="utf-8")
        for nome, padrao in PROIBIDOS.items():
            for achado in padrao.finditer(texto):
                linha = texto.count("\n", 0, achado.start()) + 1
                achados.append(f"{arquivo.relative_to(TEMPLATES)}:{linha}: {nome}")
    assert achados == []
