/*
 * SMS counter of the billing/collection template forms (admin).
 *
 * Every field with data-contador-sms="conta|documento" and data-contador-url gets,
 * right after it, a live line such as "142 de 164 caracteres · 1 SMS · GSM-7" and
 * the problem that would refuse the text on save. The server measures (widest tag
 * values, the appended linha digitável, the real encoding): one rule, one place.
 */
(function () {
  "use strict";

  var ESPERA_MS = 250;

  function tokenCsrf(campo) {
    var entrada = campo.form && campo.form.querySelector("input[name=csrfmiddlewaretoken]");
    return entrada ? entrada.value : "";
  }

  function iniciar(campo) {
    var caixa = document.createElement("div");
    caixa.className = "contador-sms";
    caixa.id = campo.id + "_contador";
    caixa.setAttribute("aria-live", "polite");
    var resumo = document.createElement("p");
    resumo.className = "contador-sms-resumo help";
    var problema = document.createElement("p");
    problema.className = "contador-sms-problema";
    problema.hidden = true;
    caixa.appendChild(resumo);
    caixa.appendChild(problema);
    // After the admin's label-and-field row, so the line sits under the field.
    (campo.closest(".flex-container") || campo).insertAdjacentElement("afterend", caixa);
    campo.setAttribute("aria-describedby",
      ((campo.getAttribute("aria-describedby") || "") + " " + caixa.id).trim());

    var pedido = 0;
    var timer = null;

    function mostrar(dados) {
      resumo.textContent = dados.resumo || "";
      problema.textContent = dados.problema || dados.erro || "";
      // The admin's .errornote is display:block, which would beat the hidden attribute.
      problema.hidden = !problema.textContent;
      problema.classList.toggle("errornote", !problema.hidden);
    }

    function medir() {
      var numero = ++pedido;
      var corpo = new URLSearchParams();
      corpo.set("texto", campo.value);
      corpo.set("tipo", campo.dataset.contadorSms);
      fetch(campo.dataset.contadorUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": tokenCsrf(campo) },
        body: corpo,
      })
        .then(function (resposta) { return resposta.json(); })
        .then(function (dados) {
          if (numero === pedido) { mostrar(dados); }
        })
        .catch(function () {
          if (numero === pedido) {
            mostrar({ erro: "Não foi possível calcular o tamanho agora." });
          }
        });
    }

    campo.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(medir, ESPERA_MS);
    });
    medir();
  }

  function iniciarTodos() {
    document.querySelectorAll("[data-contador-sms][data-contador-url]").forEach(iniciar);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", iniciarTodos);
  } else {
    iniciarTodos();
  }
})();
