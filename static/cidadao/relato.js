// The citizen's report form (templates/cidadao/relato_novo.html): a point by tapping
// the map or from the phone's GPS into the hidden latitude/longitude inputs, and the
// photo's size checked before a long upload. Everything here is an extra: without this
// script, without Leaflet or without tiles the form still works with the address.
(() => {
  "use strict";
  const dados = document.getElementById("relato-config");
  const form = document.getElementById("form-relato");
  if (!dados || !form) return;
  const config = JSON.parse(dados.textContent);
  const latitude = form.elements.namedItem("latitude");
  const longitude = form.elements.namedItem("longitude");
  const situacao = document.getElementById("mapa-situacao");
  const botaoGps = document.getElementById("usar-localizacao");
  const botaoRemover = document.getElementById("remover-ponto");
  const [[latMin, lonMin], [latMax, lonMax]] = config.area;

  let mapa = null;
  let marcador = null;

  const avisar = (texto, erro) => {
    situacao.textContent = texto;
    situacao.classList.toggle("text-danger", Boolean(erro));
  };
  const dentro = (lat, lon) => lat >= latMin && lat <= latMax && lon >= lonMin && lon <= lonMax;
  const escapar = (texto) =>
    String(texto).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

  const marcar = (lat, lon, { centralizar = false, origem = "mapa" } = {}) => {
    if (!Number.isFinite(lat) || !Number.isFinite(lon)) return false;
    if (!dentro(lat, lon)) {
      avisar(
        "Este ponto fica fora da área atendida pela companhia. Confira o local ou escreva o endereço.",
        true,
      );
      return false;
    }
    latitude.value = lat.toFixed(6);
    longitude.value = lon.toFixed(6);
    if (mapa) {
      if (marcador) marcador.setLatLng([lat, lon]);
      else marcador = L.marker([lat, lon], { keyboard: false, title: "Local do problema" }).addTo(mapa);
      if (centralizar) mapa.setView([lat, lon], Math.max(mapa.getZoom(), 17));
    }
    botaoRemover.hidden = false;
    avisar(
      origem === "gps"
        ? "Localização do celular marcada. Confira no mapa; toque para corrigir, se precisar."
        : "Ponto marcado. Para corrigir, toque em outro lugar do mapa.",
      false,
    );
    return true;
  };

  const remover = () => {
    latitude.value = "";
    longitude.value = "";
    if (marcador) {
      marcador.remove();
      marcador = null;
    }
    botaoRemover.hidden = true;
    avisar("Ponto removido. Marque outro ou escreva o endereço.", false);
  };
  botaoRemover.addEventListener("click", remover);

  // The map, when there is a tile server and Leaflet loaded.
  const elemento = document.getElementById("mapa");
  if (config.tiles && window.L && elemento) {
    elemento.hidden = false;
    document.querySelectorAll(".so-com-mapa").forEach((e) => { e.hidden = false; });
    const area = L.latLngBounds([latMin, lonMin], [latMax, lonMax]);
    mapa = L.map(elemento, { maxBounds: area.pad(0.5), tapTolerance: 20 });
    mapa.setView(config.centro, config.zoom);
    const camada = L.tileLayer(config.tiles, {
      attribution: escapar(config.atribuicao || ""),
      maxZoom: 19,
    });
    let falhas = 0;
    camada.on("tileerror", () => {
      falhas += 1;
      if (falhas === 4) {
        avisar("O mapa não carregou direito. Você pode escrever o endereço abaixo.", true);
      }
    });
    camada.addTo(mapa);
    mapa.on("click", (evento) => marcar(evento.latlng.lat, evento.latlng.lng));
  }

  // A point the form came back with (errors elsewhere): show it again.
  if (latitude.value && longitude.value) {
    marcar(Number.parseFloat(latitude.value), Number.parseFloat(longitude.value), {
      centralizar: true,
    });
  }

  // The phone's GPS (needs HTTPS; the browser asks the citizen first).
  if ("geolocation" in navigator) {
    botaoGps.hidden = false;
    botaoGps.addEventListener("click", () => {
      botaoGps.disabled = true;
      avisar("Buscando a localização do celular…", false);
      navigator.geolocation.getCurrentPosition(
        (posicao) => {
          botaoGps.disabled = false;
          marcar(posicao.coords.latitude, posicao.coords.longitude, {
            centralizar: true,
            origem: "gps",
          });
        },
        () => {
          botaoGps.disabled = false;
          avisar(
            "Não foi possível usar a localização do celular. Toque no mapa ou escreva o endereço.",
            true,
          );
        },
        { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 },
      );
    });
  }

  // The photo's size, before minutes of upload on a mobile connection.
  const foto = form.elements.namedItem("foto");
  const fotoSituacao = document.getElementById("foto-situacao");
  const limite = config.foto_limite_kb * 1024;
  const MB = 1024 * 1024;
  // As the server words it (cidadao/fotos.py): "20,0 MB", "8 MB", "512 KB".
  const limiteTexto = (bytes) =>
    bytes >= MB
      ? `${(bytes / MB).toFixed(1).replace(/\.0$/, "").replace(".", ",")} MB`
      : `${Math.max(1, Math.round(bytes / 1024))} KB`;
  const tamanhoTexto = (bytes) =>
    bytes >= MB
      ? `${(Math.ceil((bytes * 10) / MB) / 10).toFixed(1).replace(".", ",")} MB`
      : `${Math.ceil(bytes / 1024)} KB`;
  if (foto && fotoSituacao) {
    foto.addEventListener("change", () => {
      const arquivo = foto.files && foto.files[0];
      if (arquivo && arquivo.size > limite) {
        fotoSituacao.textContent =
          `A foto tem ${tamanhoTexto(arquivo.size)}; o limite é ${limiteTexto(limite)}. ` +
          "Escolha uma foto menor.";
        foto.value = "";
        foto.classList.add("is-invalid");
      } else {
        fotoSituacao.textContent = "";
        foto.classList.remove("is-invalid");
      }
    });
  }
})();
