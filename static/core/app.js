// Keyboard shortcuts: elements with data-atalho="k" are activated by Alt+k.
document.addEventListener("keydown", (event) => {
  if (!event.altKey || event.ctrlKey || event.metaKey) return;
  const alvo = document.querySelector(`[data-atalho="${event.key.toLowerCase()}"]`);
  if (!alvo) return;
  event.preventDefault();
  if (alvo.matches("input, select, textarea")) alvo.focus();
  else alvo.click();
});
