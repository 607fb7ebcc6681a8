"""The modem page's signal chart: server-rendered SVG coordinates (no script, no CSS).

Pure functions over health readings; the template draws polylines from the
``points`` strings. A reading without a known signal, or a silence longer than
``lacuna`` (the worker was down), breaks the line instead of bridging it.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

SINAL_MAXIMO = 31  # AT+CSQ: 0–31 (99 = unknown)

# viewBox 0 0 LARGURA ALTURA; the plot sits inside the margins (labels on the left/bottom).
LARGURA, ALTURA = 640, 200
ESQUERDA, DIREITA, TOPO, BASE = 44, 630, 10, 170


@dataclass(frozen=True)
class Marca:
    x: float
    y: float
    rotulo: str
    ancora: str = "middle"  # SVG text-anchor: the axis' first and last labels stay inside


@dataclass
class GraficoSinal:
    largura: int = LARGURA
    altura: int = ALTURA
    linhas: list[str] = field(default_factory=list)  # polyline "points", one per stretch
    pontos: list[Marca] = field(default_factory=list)  # isolated readings (a line needs two)
    falhas: list[Marca] = field(default_factory=list)  # readings with an error or unregistered
    eixo_y: list[Marca] = field(default_factory=list)
    eixo_x: list[Marca] = field(default_factory=list)
    esquerda: int = ESQUERDA
    direita: int = DIREITA
    topo: int = TOPO
    base: int = BASE
    vazio: bool = True


def _x(quando, inicio, fim) -> float:
    fracao = (quando - inicio) / (fim - inicio)
    return round(ESQUERDA + min(max(fracao, 0.0), 1.0) * (DIREITA - ESQUERDA), 1)


def _y(sinal: int) -> float:
    return round(BASE - sinal / SINAL_MAXIMO * (BASE - TOPO), 1)


def _ponto(x: float, y: float) -> str:
    return f"{x:g},{y:g}"


def grafico_sinal(
    leituras, *, inicio: datetime.datetime, fim: datetime.datetime, lacuna: datetime.timedelta
) -> GraficoSinal:
    """Chart of ``leituras`` (``LeituraSaude``, any order) between ``inicio`` and ``fim``."""
    grafico = GraficoSinal()
    trechos: list[list[tuple[float, float]]] = []
    anterior = None
    for leitura in sorted(leituras, key=lambda r: r.quando):
        if not inicio <= leitura.quando <= fim:
            continue
        x = _x(leitura.quando, inicio, fim)
        if leitura.erro or not leitura.registrado:
            grafico.falhas.append(Marca(x, BASE, leitura.erro or leitura.registro or "sem rede"))
        if leitura.sinal is None:
            anterior = None
            continue
        ponto = (x, _y(leitura.sinal))
        if anterior is None or leitura.quando - anterior > lacuna:
            trechos.append([ponto])
        else:
            trechos[-1].append(ponto)
        anterior = leitura.quando
    for trecho in trechos:
        if len(trecho) == 1:
            grafico.pontos.append(Marca(*trecho[0], rotulo=""))
        else:
            grafico.linhas.append(" ".join(_ponto(x, y) for x, y in trecho))
    grafico.vazio = not (trechos or grafico.falhas)
    grafico.eixo_y = [Marca(ESQUERDA, _y(v), str(v)) for v in (0, 10, 20, SINAL_MAXIMO)]
    passo = (fim - inicio) / 4
    ancoras = ["start", "middle", "middle", "middle", "end"]
    grafico.eixo_x = [
        Marca(
            _x(inicio + passo * i, inicio, fim),
            BASE,
            timezone.localtime(inicio + passo * i).strftime("%H:%M"),
            ancoras[i],
        )
        for i in range(5)
    ]
    return grafico
