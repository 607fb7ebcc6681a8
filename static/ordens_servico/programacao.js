// Week calendar: drag an OS card to a team's day (or within a day to reorder)
// and post it to the programar service through htmx; dropping it on
// "A programar" takes it off the schedule. The server re-renders #semana.
(() => {
  const area = document.getElementById("semana");
  if (!area) return;
  let arrastando = null;

  area.addEventListener("dragstart", (event) => {
    const cartao = event.target.closest(".os-cartao");
    if (!cartao) return;
    arrastando = cartao;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", cartao.dataset.os);
    cartao.classList.add("opacity-50");
  });

  area.addEventListener("dragend", () => {
    if (arrastando) arrastando.classList.remove("opacity-50");
    area.querySelectorAll(".os-celula").forEach((c) => c.classList.remove("bg-info-subtle"));
  });

  area.addEventListener("dragover", (event) => {
    const celula = event.target.closest(".os-celula");
    if (!celula || !arrastando) return;
    event.preventDefault();
    celula.classList.add("bg-info-subtle");
  });

  area.addEventListener("dragleave", (event) => {
    const celula = event.target.closest(".os-celula");
    if (celula && !celula.contains(event.relatedTarget)) celula.classList.remove("bg-info-subtle");
  });

  // Position in the day = 1 + cards whose middle is above the drop point.
  function posicaoNaCelula(celula, y) {
    const cartoes = [...celula.querySelectorAll(".os-cartao")].filter((c) => c !== arrastando);
    return 1 + cartoes.filter((c) => {
      const r = c.getBoundingClientRect();
      return r.top + r.height / 2 < y;
    }).length;
  }

  area.addEventListener("drop", (event) => {
    const celula = event.target.closest(".os-celula");
    if (!celula || !arrastando) return;
    event.preventDefault();
    const calendario = area.querySelector(".calendario");
    const comum = {
      unidade: calendario.dataset.unidade,
      inicio: calendario.dataset.inicio,
      versao: arrastando.dataset.versao,
    };
    let url;
    let valores;
    if (celula.dataset.pendentes) {
      url = arrastando.dataset.urlDesprogramar;
      valores = comum;
    } else {
      url = arrastando.dataset.urlProgramar;
      valores = {
        ...comum,
        equipe: celula.dataset.equipe,
        data_programada: celula.dataset.dia,
        posicao: posicaoNaCelula(celula, event.clientY),
      };
    }
    arrastando = null;
    htmx.ajax("POST", url, { target: "#semana", swap: "innerHTML", values: valores });
  });
})();
