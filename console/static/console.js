// The console's only script (CSP: no inline script). Fills a textarea from a template
// picker and asks before destructive submits. Everything works without it.
document.addEventListener("change", function (event) {
  var picker = event.target;
  if (!picker.classList || !picker.classList.contains("template-picker") || !picker.value) return;
  var target = document.getElementById(picker.getAttribute("data-target"));
  if (target) { target.value = picker.value; target.focus(); }
});
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("[data-confirm]") : null;
  if (button && !window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
});
