// figtrail audit: filters the facts table by the selects' values; the filter is kept in the URL fragment.
(function () {
  var keys = ['metric', 'subject', 'status'];
  var sel = keys.map(function (k) { return document.getElementById('f-' + k); });
  var table = document.getElementById('facts');
  if (!table || sel.some(function (s) { return !s; })) return;
  var rows = Array.prototype.slice.call(table.querySelectorAll('tbody tr'));
  function apply() {
    var shown = 0;
    rows.forEach(function (r) {
      var ok = keys.every(function (k, i) { return !sel[i].value || r.getAttribute('data-' + k) === sel[i].value; });
      r.hidden = !ok; if (ok) shown++;
    });
    document.getElementById('f-count').textContent = shown + ' of ' + rows.length;
    var q = keys.map(function (k, i) { return sel[i].value ? k + '=' + encodeURIComponent(sel[i].value) : ''; }).filter(Boolean).join('&');
    if (history.replaceState) { try { history.replaceState(null, '', q ? '#' + q : location.pathname); } catch (e) {} }
  }
  location.hash.replace(/^#/, '').split('&').forEach(function (kv) {
    var p = kv.split('='); var i = keys.indexOf(p[0]);
    if (i < 0) return;
    var v = decodeURIComponent(p[1] || '');
    // only a value the select offers (statuses and ids come from the data, never from a list here)
    if (Array.prototype.some.call(sel[i].options, function (o) { return o.value === v; })) sel[i].value = v;
  });
  sel.forEach(function (s) { s.addEventListener('change', apply); });
  apply();
})();
