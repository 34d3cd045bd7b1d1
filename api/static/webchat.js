// The citizen's chat. Every text from the server is written with textContent: never HTML.
(function () {
  "use strict";
  var thread = document.getElementById("thread");
  var cases = document.getElementById("cases");
  var form = document.getElementById("compose");
  var input = document.getElementById("text");
  var lastId = 0;
  var shown = {};

  function add(item) {
    var key = item.id + "|" + item.from + "|" + item.text;
    if (shown[key]) { return; }
    shown[key] = true;
    var li = document.createElement("li");
    li.className = item.from === "me" ? "me" : "bureau";
    li.textContent = item.text;
    thread.appendChild(li);
    lastId = Math.max(lastId, item.id);
  }

  function load() {
    fetch("/api/chat/messages?after=" + lastId, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { (data.messages || []).forEach(add); });
    fetch("/api/chat/cases", { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        cases.replaceChildren();
        (data.cases || []).forEach(function (c) {
          var li = document.createElement("li");
          li.textContent = c.number + " " + c.state_name + (c.unit ? "，" + c.unit : "");
          cases.appendChild(li);
        });
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim()) { return; }
    var clientId = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now());
    fetch("/api/chat/messages", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text: text, client_id: clientId })
    }).then(function (r) { return r.json(); }).then(function () { input.value = ""; load(); });
  });

  load();
  setInterval(load, 15000);
})();
