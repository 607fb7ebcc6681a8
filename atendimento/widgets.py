"""A <select> rendered in Python, its model options cached for a few seconds.

Django renders every <option> through a template and reads model choices through
a server-side cursor; with a few hundred users, units and especificações in the
search form that alone cost tens of milliseconds per page. The lists change
rarely (a new user, a new unit), so each distinct query is kept for
``OPCOES_TTL`` seconds per process; validation still reads the database.
"""

import time

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

OPCOES_TTL = 30.0
_opcoes_em_cache: dict[str, tuple[float, list[tuple[str, str]]]] = {}


class SelectRapido(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        atributos = self.build_attrs(self.attrs, attrs)
        atributos["name"] = name
        selecionado = "" if value is None else str(value)
        opcoes = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (
                    valor,
                    mark_safe(" selected") if str(valor) == selecionado else "",
                    rotulo,
                )
                for valor, rotulo in self._opcoes()
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(atributos), opcoes)

    def _opcoes(self):
        escolhas = self.choices
        if not isinstance(escolhas, ModelChoiceIterator):
            yield from ((self._valor(v), r) for v, r in escolhas)
            return
        # Model choices: one ordinary query (ModelChoiceIterator would open a
        # server-side cursor per list: three more round trips each).
        campo = escolhas.field
        if campo.empty_label is not None:
            yield "", campo.empty_label
        if getattr(campo, "null_label", None) is not None:
            yield str(campo.null_value), campo.null_label
        yield from _opcoes_do_modelo(campo, escolhas.queryset)

    @staticmethod
    def _valor(valor) -> str:
        valor = getattr(valor, "value", valor)  # ModelChoiceIteratorValue
        return "" if valor is None else str(valor)


def _opcoes_do_modelo(campo, queryset) -> list[tuple[str, str]]:
    chave = f"{type(campo).__qualname__}:{queryset.query}"
    agora = time.monotonic()
    em_cache = _opcoes_em_cache.get(chave)
    if em_cache is not None and em_cache[0] > agora:
        return em_cache[1]
    opcoes = [
        (SelectRapido._valor(campo.prepare_value(o)), str(campo.label_from_instance(o)))
        for o in queryset
    ]
    _opcoes_em_cache[chave] = (agora + OPCOES_TTL, opcoes)
    return opcoes
