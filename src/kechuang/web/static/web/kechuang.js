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
  var question = form && form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) { e.preventDefault(); }
}, true);

/* "Back" links: a javascript: address would be refused by the Content-Security-Policy, so
   links marked data-back (or still written as javascript:history.back()) are handled here. */
document.addEventListener("click", function (e) {
  var link = e.target && e.target.closest &&
    e.target.closest('a[data-back], a[href="javascript:history.back()"]');
  if (link) { e.preventDefault(); window.history.back(); }
});
