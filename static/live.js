// Keeps a section of the page current without a reload: every so often it
// fetches the page again and swaps in the fresh copy of each [data-live]
// section (same id). Without JavaScript the page has a refresh link instead.
(function () {
  var live = document.querySelectorAll('[data-live]');
  if (!live.length || !window.fetch || !window.DOMParser) return;
  var every = 1000 * (parseInt(live[0].dataset.live, 10) || 15);
  function tick() {
    if (document.hidden) return;
    fetch(location.href, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, 'text/html');
        live.forEach(function (el) {
          var next = fresh.getElementById(el.id);
          if (next) el.innerHTML = next.innerHTML;
        });
        var stamp = document.getElementById('live-stamp');
        if (stamp) stamp.textContent = 'Updated ' + new Date().toLocaleTimeString('en-GB');
      })
      .catch(function () {});
  }
  setInterval(tick, every);
})();
