// The citizen's chat. Every text from the server is written with textContent: never HTML.
(function () {
  "use strict";
  var thread = document.getElementById("thread");
  var cases = document.getElementById("cases");
  var form = document.getElementById("compose");
  var input = document.getElementById("text");
  var sendButton = document.getElementById("send");
  var status = document.getElementById("status");
  var lastId = 0;
  var shown = {};

  function bubble(from, text) {
    var li = document.createElement("li");
    li.className = from === "me" ? "me" : "bureau";
    li.textContent = text;
    thread.appendChild(li);
  }

  function add(item) {
    var key = item.id + "|" + item.from + "|" + item.text;
    lastId = Math.max(lastId, item.id);
    if (shown[key]) { return; }
    shown[key] = true;
    bubble(item.from, item.text);
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

  function busy(on) {
    // While a message is on its way: no second click, and the citizen sees it is working.
    sendButton.disabled = on;
    input.readOnly = on;
    form.setAttribute("aria-busy", on ? "true" : "false");
    status.textContent = on ? "发送中…" : "";
  }

  function post(url, payload) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) { return { ok: r.ok, status: r.status, data: data }; });
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim() || sendButton.disabled) { return; }
    var clientId = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now());
    busy(true);
    post("/api/chat/messages", { text: text, client_id: clientId }).then(function (res) {
      busy(false);
      if (!res.ok) { status.textContent = "发送失败，请稍后重试。"; return; }
      input.value = "";
      load();
    }, function () {
      busy(false);
      status.textContent = "网络不通，您的留言未发出，请稍后重试。";
    });
  });

  var phoneForm = document.getElementById("phone-form");
  var codeForm = document.getElementById("code-form");
  var phoneStatus = document.getElementById("phone-status");

  phoneForm.addEventListener("submit", function (event) {
    event.preventDefault();
    post("/api/chat/phone", { phone: document.getElementById("phone").value }).then(function (res) {
      if (res.ok) {
        codeForm.hidden = false;
        phoneStatus.textContent = "验证码已发送到 " + res.data.phone + "，10分钟内有效。";
      } else {
        phoneStatus.textContent = res.status === 429 ? "请求过于频繁，请稍后再试。" : "请填写11位手机号。";
      }
    });
  });

  codeForm.addEventListener("submit", function (event) {
    event.preventDefault();
    post("/api/chat/phone/verify", { code: document.getElementById("code").value }).then(function (res) {
      if (res.ok) {
        codeForm.hidden = true;
        phoneStatus.textContent = "手机号 " + res.data.phone + " 已验证，办理进展会短信通知您。";
        load();
      } else {
        phoneStatus.textContent = "验证码不对或已过期，请重新获取。";
      }
    });
  });

  load();
  setInterval(load, 15000);
})();
