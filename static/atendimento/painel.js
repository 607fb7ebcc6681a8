// Stacked bars of open RAs per unit, coloured like the lists (vencido, atenção, no prazo).
(() => {
  const canvas = document.getElementById("grafico-unidades");
  const fonte = document.getElementById("dados-grafico");
  if (!canvas || !fonte || typeof Chart === "undefined") return;
  const dados = JSON.parse(fonte.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: dados.rotulos,
      datasets: [
        { label: "Vencidos", data: dados.vencido, backgroundColor: "#dc3545" },
        { label: "Atenção", data: dados.atencao, backgroundColor: "#ffc107" },
        { label: "No prazo", data: dados.no_prazo, backgroundColor: "#198754" },
      ],
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: "bottom" } },
    },
  });
})();
