// Novo contato: say at once when the chosen subject requires the imóvel (the server
// refuses it anyway; options carry data-exige-imovel, see portal/forms/contatos.py).
(() => {
  const assunto = document.getElementById("id_especificacao");
  const imovel = document.getElementById("id_imovel");
  if (!assunto || !imovel) return;
  const aviso = document.createElement("div");
  aviso.id = "imovel-exigido";
  aviso.className = "form-text text-warning-emphasis fw-semibold";
  aviso.textContent = "Este assunto exige o imóvel: escolha um dos seus imóveis.";
  aviso.hidden = true;
  imovel.insertAdjacentElement("afterend", aviso);
  imovel.setAttribute(
    "aria-describedby",
    `${imovel.getAttribute("aria-describedby") || ""} ${aviso.id}`.trim(),
  );
  const atualizar = () => {
    const opcao = assunto.selectedOptions[0];
    const exige = Boolean(opcao && opcao.dataset.exigeImovel);
    aviso.hidden = !exige;
    imovel.required = exige;
  };
  assunto.addEventListener("change", atualizar);
  atualizar();
})();
