// Copy a bill's linha digitável (buttons with data-copiar) to the clipboard, and say
// so on the button for a moment. Without the Clipboard API (an http page that is not
// localhost), the text is selected for Ctrl+C.
document.addEventListener("click", async (event) => {
  const botao = event.target.closest("[data-copiar]");
  if (!botao) return;
  const rotulo = botao.querySelector(".copiar-rotulo") || botao;
  const original = rotulo.dataset.original || rotulo.textContent;
  rotulo.dataset.original = original;
  try {
    await navigator.clipboard.writeText(botao.dataset.copiar);
    rotulo.textContent = "Copiada!";
  } catch (erro) {
    const texto = botao.parentElement.querySelector(".linha-digitavel");
    if (texto) window.getSelection().selectAllChildren(texto);
    rotulo.textContent = "Use Ctrl+C";
  }
  setTimeout(() => {
    rotulo.textContent = original;
  }, 2000);
});
