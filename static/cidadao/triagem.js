// The report's map on the triage screen: the report's point, the duplicate-search
// radius and the open RAs near it. Data from json_script #mapa-dados (views/triagem.py);
// without tiles or Leaflet the page keeps working with the list below it.
(() => {
  const dadosEl = document.getElementById("mapa-dados");
  const caixa = document.getElementById("mapa");
  if (!dadosEl || !caixa || typeof L === "undefined") return;
  const dados = JSON.parse(dadosEl.textContent);
  if (!dados.tiles || !dados.relato) return;

  caixa.classList.remove("d-none");
  const mapa = L.map(caixa, { scrollWheelZoom: false }).setView(dados.relato, 17);
  const camada = L.tileLayer(dados.tiles, { maxZoom: 19, attribution: dados.atribuicao });
  let avisou = false;
  camada.on("tileerror", () => {
    if (avisou) return;
    avisou = true;
    const aviso = document.getElementById("mapa-falhou");
    if (aviso) aviso.classList.remove("d-none");
  });
  camada.addTo(mapa);

  // Popups are built from DOM nodes: protocol and text never become HTML.
  const popup = (titulo, detalhe, url) => {
    const div = document.createElement("div");
    const forte = document.createElement(url ? "a" : "strong");
    forte.textContent = titulo;
    if (url) forte.href = url;
    div.appendChild(forte);
    if (detalhe) {
      div.appendChild(document.createElement("br"));
      div.appendChild(document.createTextNode(detalhe));
    }
    return div;
  };

  let area = L.latLngBounds([dados.relato]);
  L.marker(dados.relato, { title: "Local do relato", alt: "Local do relato" })
    .bindPopup(popup("Local do relato", ""))
    .addTo(mapa);
  if (dados.raio) {
    const circulo = L.circle(dados.relato, {
      radius: dados.raio,
      color: "#0d6efd",
      weight: 1,
      fillOpacity: 0.05,
      interactive: false,
    }).addTo(mapa);
    area = circulo.getBounds();
  }
  for (const ra of dados.proximos || []) {
    area.extend(ra.ponto);
    L.circleMarker(ra.ponto, { radius: 8, color: "#198754", fillOpacity: 0.7 })
      .bindPopup(popup(`RA ${ra.protocolo}`, `a ${ra.distancia} m`, ra.url))
      .addTo(mapa);
  }
  // The whole search area in view: an RA just outside the circle is not a duplicate.
  mapa.fitBounds(area.pad(0.05), { maxZoom: 18 });
})();
