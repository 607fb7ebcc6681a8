// Keyboard shortcuts: elements with data-atalho="k" are activated by Alt+k.
document.addEventListener("keydown", (event) => {
  if (!event.altKey || event.ctrlKey || event.metaKey) return;
  const alvo = document.querySelector(`[data-atalho="${event.key.toLowerCase()}"]`);
  if (!alvo) return;
  event.preventDefault();
  if (alvo.matches("input, select, textarea")) alvo.focus();
  else alvo.click();
});

// Forms that come back with errors (templates/core/_partials/form_erros.html): open
// every collapsed section holding an invalid field, and bring the summary into view.
// A link of the summary opens the field's section and focuses the field.
(() => {
  const revelar = (elemento) => {
    for (let no = elemento; no; no = no.parentElement) {
      if (no.tagName === "DETAILS") no.open = true;
    }
  };
  document
    .querySelectorAll(".is-invalid, .invalid-feedback, [aria-invalid='true']")
    .forEach(revelar);
  const resumo = document.querySelector("[data-resumo-erros]");
  if (resumo) {
    resumo.scrollIntoView({ block: "start" });
    resumo.focus({ preventScroll: true });
  }
  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-resumo-erros] a[href^='#']");
    if (!link) return;
    const alvo = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!alvo) return;
    event.preventDefault();
    revelar(alvo);
    alvo.scrollIntoView({ block: "center" });
    alvo.focus({ preventScroll: true });
  });
})();

// A live character counter under every long text field (a textarea, or an input of
// 100 characters or more, with a maxlength). It counts as the server does (a line
// break arrives as two characters, \r\n). The browser's own maxlength would cut a
// pasted text without a word, so the counter replaces it: past the limit it turns
// red and the server refuses the form with the same numbers. A field with
// data-contador="restantes" counts down instead ("N caracteres restantes").
(() => {
  const INPUT_LONGO = 100;
  const contar = (texto) => [...texto.replace(/\r?\n/g, "\r\n")].length;
  const numero = (n) => n.toLocaleString("pt-BR");
  const ligar = (campo) => {
    if (campo.dataset.limite) return;
    const limite = Number(campo.getAttribute("maxlength"));
    if (!limite || (campo.tagName === "INPUT" && limite < INPUT_LONGO)) return;
    // Nobody types an e-mail or a password near its limit: no counter under them.
    if (campo.type === "email" || campo.type === "password") return;
    campo.dataset.limite = String(limite);
    campo.removeAttribute("maxlength");
    const contador = document.createElement("div");
    contador.className = "form-text text-end contador-caracteres";
    contador.id = `${campo.id || campo.name}-contador`;
    contador.dataset.contadorDe = campo.name;
    campo.setAttribute(
      "aria-describedby",
      `${campo.getAttribute("aria-describedby") || ""} ${contador.id}`.trim(),
    );
    campo.insertAdjacentElement("afterend", contador);
    let acimaAntes = false;
    const atualizar = () => {
      const usados = contar(campo.value);
      const acima = usados > limite;
      if (campo.dataset.contador === "restantes") {
        const restantes = limite - usados;
        contador.textContent = acima
          ? `${numero(-restantes)} caracteres a mais (máximo ${numero(limite)})`
          : `${numero(restantes)} ${restantes === 1 ? "caractere restante" : "caracteres restantes"}`;
      } else {
        contador.textContent = acima
          ? `${numero(usados)} de ${numero(limite)} caracteres: ${numero(usados - limite)} a mais`
          : `${numero(usados)} de ${numero(limite)} caracteres`;
      }
      contador.classList.toggle("text-danger", acima);
      contador.classList.toggle("fw-semibold", acima);
      // Announce crossing the limit, not every keystroke.
      if (acima !== acimaAntes) {
        if (acima) contador.setAttribute("role", "alert");
        else contador.removeAttribute("role");
      }
      acimaAntes = acima;
    };
    campo.addEventListener("input", atualizar);
    atualizar();
  };
  const varrer = (raiz) =>
    raiz.querySelectorAll("textarea[maxlength], input[maxlength]").forEach(ligar);
  varrer(document);
  document.addEventListener("htmx:load", (event) => varrer(event.detail.elt));
})();

// Buttons with data-imprimir print the page (no inline handler: the CSP forbids them).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-imprimir]")) window.print();
});
