// Branching on the caller's page: an answer that says "then N" hides the
// questions it skips.  Without JavaScript every question shows, and the
// server keeps only the answers on the path taken.
(function () {
  var form = document.getElementById('survey');
  if (!form) return;
  var qs = Array.prototype.slice.call(form.querySelectorAll('fieldset.question'));
  function update() {
    var i = 0;
    var shown = {};
    while (i < qs.length) {
      shown[i] = true;
      var picked = qs[i].querySelector('input[type=radio]:checked');
      var then = picked && picked.dataset.then;
      if (then === 'end') break;
      i = then ? Number(then) - 1 : i + 1;
    }
    qs.forEach(function (q, k) { q.hidden = !shown[k]; });
  }
  form.addEventListener('change', update);
  update();
})();
