// Inserir RA: show the requester fields of the chosen kind, describe the chosen
// especificação (deadline, required data, duplicate warning) as you pick it.
(() => {
  const form = document.getElementById("form-inserir-ra");
  if (!form) return;

  const tipos = form.querySelectorAll('input[name="tipo_solicitante"]');
  const mostrarSolicitante = () => {
    const escolhido = form.querySelector('input[name="tipo_solicitante"]:checked');
    const valor = escolhido ? escolhido.value : "";
    form.querySelectorAll("[data-solicitante]").forEach((bloco) => {
      bloco.hidden = bloco.dataset.solicitante !== valor;
    });
  };
  tipos.forEach((radio) => radio.addEventListener("change", mostrarSolicitante));
  mostrarSolicitante();

  const especificacao = form.querySelector('[name="especificacao"]');
  const matricula = form.querySelector('[name="matricula"]');
  const info = document.getElementById("especificacao-info");
  const devolucao = document.getElementById("devolucao");
  const descrever = () => {
    if (!especificacao.value) {
      info.innerHTML = "";
      devolucao.hidden = true;
      return;
    }
    const params = new URLSearchParams({
      especificacao: especificacao.value,
      matricula: matricula ? matricula.value : "",
    });
    fetch(`${form.dataset.urlEspecificacao}?${params}`, { headers: { "HX-Request": "true" } })
      .then((resposta) => resposta.text())
      .then((html) => {
        info.innerHTML = html;
        const dados = info.querySelector("[data-natureza]");
        devolucao.hidden = !(dados && dados.dataset.natureza === "devolucao");
      });
  };
  especificacao.addEventListener("change", descrever);
  if (matricula) matricula.addEventListener("change", descrever);
  descrever();

  // Will the protocol go by SMS to this requester, and if not why (asked to the
  // server: the same decision the opening follows).
  const sms = document.getElementById("sms-previsao");
  let pedido = 0;
  const preverSms = () => {
    const escolhido = form.querySelector('input[name="tipo_solicitante"]:checked');
    const campo = (nome) => form.querySelector(`[name="${nome}"]`);
    const params = new URLSearchParams({
      especificacao: especificacao.value,
      tipo_solicitante: escolhido ? escolhido.value : "",
      cliente: campo("cliente") ? campo("cliente").value : "",
      solicitante_telefone: campo("solicitante_telefone").value,
    });
    const este = ++pedido;
    fetch(`${sms.dataset.url}?${params}`, { headers: { "HX-Request": "true" } })
      .then((resposta) => resposta.text())
      .then((html) => {
        if (este === pedido) sms.innerHTML = html;
      });
  };
  if (sms) {
    let espera;
    especificacao.addEventListener("change", preverSms);
    tipos.forEach((radio) => radio.addEventListener("change", preverSms));
    form.querySelector('[name="cliente"]')?.addEventListener("change", preverSms);
    form.querySelector('[name="solicitante_telefone"]').addEventListener("input", () => {
      clearTimeout(espera);
      espera = setTimeout(preverSms, 300);
    });
    preverSms();
  }
})();
