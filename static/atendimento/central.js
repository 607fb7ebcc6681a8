// The operator console's keyboard (templates/atendimento/_partials/central_atalhos.html).
// Letters act when the focus is not in a text field; Ctrl+Enter sends the form of the
// text field it is typed in. No inline handlers: the CSP forbids them.
(() => {
  const raiz = document.querySelector("[data-central]");
  if (!raiz) return;

  const CAMPOS = "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])";
  const emCampoDeTexto = (el) =>
    el instanceof HTMLElement &&
    (el.isContentEditable ||
      el.matches("textarea, select, input:not([type=checkbox]):not([type=radio]):not([type=submit]):not([type=button])"));
  const linhas = () => [...raiz.querySelectorAll("[data-linha]")];
  const lembrar = (pk) => {
    try {
      sessionStorage.setItem("central-ultimo", String(pk));
    } catch (_) {
      /* private mode: no memory of the row, the first one is used */
    }
  };
  const lembrado = () => {
    try {
      return sessionStorage.getItem("central-ultimo");
    } catch (_) {
      return null;
    }
  };

  const abrirSecao = (secao) => {
    secao.open = true;
    const campo = secao.querySelector(CAMPOS);
    (campo || secao.querySelector("summary")).focus();
    secao.scrollIntoView({ block: "nearest" });
  };

  const mover = (passo) => {
    const todas = linhas();
    if (!todas.length) return;
    const atual = todas.indexOf(document.activeElement);
    let alvo;
    if (atual === -1) {
      const marcada = todas.findIndex((l) => l.getAttribute("aria-current") === "true");
      alvo = marcada === -1 ? 0 : marcada + passo;
    } else {
      alvo = atual + passo;
    }
    alvo = Math.max(0, Math.min(todas.length - 1, alvo));
    todas[alvo].focus();
    todas[alvo].closest("tr")?.scrollIntoView({ block: "nearest" });
  };

  const acionar = (tecla) => {
    const alvo = raiz.querySelector(`[data-tecla="${CSS.escape(tecla)}"]`);
    if (!alvo) return false;
    if (alvo.tagName === "DETAILS") {
      if (alvo.open && tecla === "?") {
        alvo.open = false;
        return true;
      }
      abrirSecao(alvo);
    } else if (alvo.matches("input, select, textarea")) {
      alvo.focus();
    } else {
      alvo.click();
    }
    return true;
  };

  document.addEventListener("keydown", (event) => {
    // Ctrl+Enter sends the form of the text field being typed in.
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      const form = event.target.closest?.("form");
      if (form && raiz.contains(form)) {
        event.preventDefault();
        form.requestSubmit();
      }
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) return;
    if (event.key === "Escape") {
      if (emCampoDeTexto(event.target)) {
        event.target.blur();
        (event.target.closest("details, form, section") || raiz).focus?.();
        return;
      }
      if (acionar("Escape")) event.preventDefault();
      return;
    }
    if (emCampoDeTexto(event.target)) return;
    const tecla = event.key;
    if (tecla === "j" || tecla === "ArrowDown" || tecla === "k" || tecla === "ArrowUp") {
      // The arrows only move within the queue, so they still scroll elsewhere.
      const naFila = event.target.matches?.("[data-linha]");
      if (tecla.startsWith("Arrow") && !naFila) return;
      event.preventDefault();
      mover(tecla === "j" || tecla === "ArrowDown" ? 1 : -1);
      return;
    }
    if (tecla === "Enter") {
      // Enter on a link or button does its own thing; elsewhere in a contact, atender.
      if (event.target.closest?.("a, button, summary, input, select, textarea")) return;
      if (raiz.dataset.contato && acionar("a")) event.preventDefault();
      return;
    }
    if (tecla === "r") {
      const texto = raiz.querySelector("#form-responder textarea");
      if (texto) {
        event.preventDefault();
        texto.focus();
        texto.scrollIntoView({ block: "nearest" });
      }
      return;
    }
    if (tecla === "p" && !raiz.querySelector("#acao-pendente")) {
      // In the queue, F5's other meaning: list my pending contacts.
      const caixa = raiz.querySelector('[data-caixa="operador"]');
      if (caixa) {
        event.preventDefault();
        caixa.click();
      }
      return;
    }
    if (tecla === "x" && raiz.dataset.contato && !raiz.querySelector("#acao-excluir")) {
      const aviso = raiz.querySelector("[data-nao-exclui]");
      if (aviso) {
        event.preventDefault();
        aviso.setAttribute("tabindex", "-1");
        aviso.setAttribute("role", "alert");
        aviso.focus();
      }
      return;
    }
    if (acionar(tecla)) event.preventDefault();
  });

  raiz.addEventListener("click", (event) => {
    const linha = event.target.closest("[data-linha]");
    if (linha) lembrar(linha.dataset.linha);
  });
  raiz.addEventListener("focusin", (event) => {
    const linha = event.target.closest?.("[data-linha]");
    if (linha) lembrar(linha.dataset.linha);
  });

  // After the count (htmx) replaces its button, the focus goes to the number it shows.
  document.addEventListener("htmx:afterSwap", (event) => {
    const alvo = event.detail.target;
    if (alvo?.id !== "contagem" || !raiz.contains(alvo)) return;
    alvo.setAttribute("tabindex", "-1");
    alvo.focus();
  });

  // "Independente" clears the opening dates; typing a date picks "Entre".
  const periodo = raiz.querySelector("#id_periodo");
  const datas = ["#id_abertura_de", "#id_abertura_ate"].map((s) => raiz.querySelector(s));
  if (periodo && datas.every(Boolean)) {
    periodo.addEventListener("change", () => {
      if (!periodo.value) datas.forEach((d) => (d.value = ""));
    });
    datas.forEach((d) =>
      d.addEventListener("change", () => {
        if (d.value) periodo.value = "entre";
      }),
    );
  }

  // Where the focus starts: a refused action's message, else the contact's title,
  // else the row last worked on (or the first row).
  const focoInicial = () => {
    const erro =
      raiz.querySelector("#central-contato [data-erro-acao]") ||
      raiz.querySelector("#central-contato .is-invalid") ||
      raiz.querySelector("[data-erro-filtros]");
    if (erro) {
      const secao = erro.closest("details");
      if (secao) secao.open = true;
      const campo = erro.matches(".is-invalid") ? erro : null;
      if (!campo) erro.setAttribute("tabindex", "-1");
      (campo || erro).focus();
      return;
    }
    const titulo = raiz.querySelector("#contato-titulo");
    if (titulo) {
      titulo.focus();
      return;
    }
    const todas = linhas();
    const ultimo = lembrado();
    const alvo = todas.find((l) => l.dataset.linha === ultimo) || todas[0];
    if (alvo) alvo.focus();
  };
  focoInicial();
})();
