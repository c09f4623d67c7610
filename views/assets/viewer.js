/*
 * The web viewer's page script (served from /assets, allowed by the content security policy):
 * draws the ladder from the connection's embedded data with the same ladder.js as the static
 * report, and handles drag and drop uploads.
 */
(function () {
  'use strict';
  var host = document.getElementById('ladder');
  if (host && window.tcplensLadder) {
    var source = document.getElementById(host.getAttribute('data-ladder-source'));
    var data = JSON.parse(source.textContent);
    if (window.tcplensFigures) window.tcplensFigures.figuresTable(document.getElementById('figures'), data.connection.figures);
    window.tcplensLadder.drawLadder(host, data.connection, data.segments);
  }
  var drop = document.getElementById('drop');
  if (drop) {
    drop.addEventListener('dragover', function (e) { e.preventDefault(); drop.classList.add('over'); });
    drop.addEventListener('dragleave', function () { drop.classList.remove('over'); });
    drop.addEventListener('drop', function (e) {
      e.preventDefault();
      drop.classList.remove('over');
      var file = e.dataTransfer && e.dataTransfer.files[0];
      if (!file) return;
      var form = new FormData();
      form.append('capture', file);
      var message = document.getElementById('upload-message');
      message.textContent = 'uploading ' + file.name + ' …';
      fetch('/api/upload', { method: 'POST', body: form })
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (r) {
          if (r.ok) location.href = r.body.url;
          else message.textContent = r.body.error;
        })
        .catch(function () { message.textContent = 'The upload failed.'; });
    });
  }
  document.body.setAttribute('data-ready', 'true');
})();
