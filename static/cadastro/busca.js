// Search results are reachable from the keyboard: ↓ from the search box goes to
// the first result, ↓/↑ move between results, Esc goes back to the box.
document.addEventListener("keydown", (event) => {
  const caixa = document.getElementById("busca-q");
  if (!caixa || !["ArrowDown", "ArrowUp", "Escape"].includes(event.key)) return;
  const links = Array.from(document.querySelectorAll("#resultados .resultado-link"));
  const atual = links.indexOf(document.activeElement);
  if (event.key === "Escape" && atual >= 0) {
    caixa.focus();
    event.preventDefault();
    return;
  }
  if (document.activeElement === caixa && event.key === "ArrowDown" && links.length) {
    links[0].focus();
    event.preventDefault();
  } else if (atual >= 0 && event.key === "ArrowDown") {
    links[Math.min(atual + 1, links.length - 1)].focus();
    event.preventDefault();
  } else if (atual >= 0 && event.key === "ArrowUp") {
    (atual === 0 ? caixa : links[atual - 1]).focus();
    event.preventDefault();
  }
});
