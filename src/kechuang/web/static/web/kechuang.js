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
