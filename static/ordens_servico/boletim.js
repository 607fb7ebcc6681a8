// Bar chart of executed OS per service type (data from json_script).
(() => {
  const fonte = document.getElementById("dados-grafico");
  const canvas = document.getElementById("grafico-boletim");
  if (!fonte || !canvas || typeof Chart === "undefined") return;
  const dados = JSON.parse(fonte.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: dados.rotulos,
      datasets: [{ label: "OS executadas", data: dados.valores, backgroundColor: "#0d6efd" }],
    },
    options: { indexAxis: "y", plugins: { legend: { display: false } } },
  });
})();
