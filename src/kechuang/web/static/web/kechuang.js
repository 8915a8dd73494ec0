/* Site-wide behaviour. Empty filter fields are left out of htmx requests, so that the
   address pushed to the history reads ?city=210100 rather than ?q=&city=210100&zone=… */
document.addEventListener("htmx:configRequest", function (e) {
  var params = e.detail.parameters;
  var empty = [];
  var key;
  if (typeof params.forEach === "function" && typeof params.delete === "function") {
    params.forEach(function (value, k) { if (value === "") { empty.push(k); } });
    empty.forEach(function (k) { params.delete(k); });
    return;
  }
  for (key in params) {
    if (params[key] === "") { empty.push(key); }
  }
  empty.forEach(function (k) { delete params[k]; });
});

/* An irreversible action asks before it posts: the form carries its question in
   data-confirm (set from the workflow's transition), so no inline script is needed. */
document.addEventListener("submit", function (e) {
  var form = e.target;
  var button = e.submitter;
  var question = (button && button.getAttribute("data-confirm")) ||
    (form && form.getAttribute && form.getAttribute("data-confirm"));
  if (question && !window.confirm(question)) { e.preventDefault(); }
}, true);

/* A list's batch form: the header box ticks every row box of the form, and the form counts
   what is ticked. Row boxes live in the table and join the form through form="bulk-form". */
function bulkBoxes(form) {
  return document.querySelectorAll('input[type=checkbox][name=ids][form="' + form.id + '"]');
}
function bulkCount(form) {
  var n = 0;
  bulkBoxes(form).forEach(function (box) { if (box.checked) { n += 1; } });
  var label = form.querySelector("[data-bulk-count]");
  if (label) { label.textContent = label.textContent.replace(/\d+/, String(n)); }
}
document.addEventListener("change", function (e) {
  var box = e.target;
  if (!box || box.type !== "checkbox") { return; }
  var formId = box.getAttribute("data-check-all") || (box.name === "ids" && box.getAttribute("form"));
  var form = formId && document.getElementById(formId);
  if (!form) { return; }
  if (box.hasAttribute("data-check-all")) {
    bulkBoxes(form).forEach(function (row) { row.checked = box.checked; });
  }
  bulkCount(form);
});

/* "Back" links: a javascript: address would be refused by the Content-Security-Policy, so
   links marked data-back (or still written as javascript:history.back()) are handled here. */
document.addEventListener("click", function (e) {
  var link = e.target && e.target.closest &&
    e.target.closest('a[data-back], a[href="javascript:history.back()"]');
  if (link) { e.preventDefault(); window.history.back(); }
});
