// The client form's "Adicionar telefone": a new row of the phones formset, from its
// empty form (#telefone-modelo), with the formset's TOTAL_FORMS counted up.
document.getElementById("telefone-adicionar").addEventListener("click", () => {
  const total = document.getElementById("id_telefones-TOTAL_FORMS");
  const indice = Number(total.value);
  const modelo = document.getElementById("telefone-modelo").innerHTML.replaceAll("__prefix__", indice);
  document.querySelector("#telefones tbody").insertAdjacentHTML("beforeend", modelo);
  total.value = indice + 1;
  document.getElementById(`id_telefones-${indice}-ddd`).focus();
});
