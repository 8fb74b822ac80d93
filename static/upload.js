// Uploads a contact list as the request body, with a progress bar; the
// form token goes in a header because the body is the file.
(function () {
  var form = document.getElementById('upload');
  if (!form) return;
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var file = document.getElementById('file').files[0];
    var bar = document.getElementById('progress'), out = document.getElementById('upload-result');
    if (!file) return;
    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.dataset.action);
    xhr.setRequestHeader('Content-Type', 'text/csv');
    xhr.setRequestHeader('X-CSRF-Token', form.dataset.csrf);
    xhr.setRequestHeader('X-File-Name', encodeURIComponent(file.name));
    bar.hidden = false;
    bar.value = 0;
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) bar.value = Math.round(100 * e.loaded / e.total);
    };
    xhr.upload.onload = function () { out.textContent = 'Uploaded; importing…'; };
    xhr.onload = function () {
      var r;
      try { r = JSON.parse(xhr.responseText); } catch (e) { r = { error: 'Unexpected answer' }; }
      if (xhr.status !== 200) { out.textContent = r.error || 'The upload failed'; return; }
      r = r.result;
      var text = (r.resumed_after ? 'Carried on after row ' + r.resumed_after +
        ', where the last load of this file stopped. ' : '') + r.rows + ' rows: ' + r.added + ' added, ' + r.merged + ' merged by phone, ' +
        r.opted_out + ' on the do-not-call ledger, ' + r.invalid + ' refused.';
      (r.reasons || []).forEach(function (g) { text += '\n' + g.count + ' × ' + g.reason; });
      r.errors.slice(0, 5).forEach(function (e) { text += '\nLine ' + e.line + ': ' + e.reason; });
      out.textContent = text;
      if (r.errors_csv) {
        var a = document.createElement('a');
        a.href = r.errors_csv;
        a.textContent = 'Download every refused line and its reason (CSV)';
        out.appendChild(document.createElement('br'));
        out.appendChild(a);
      }
      bar.value = 100;
    };
    xhr.onerror = function () { out.textContent = 'The upload failed'; };
    xhr.send(file);
  });
})();
