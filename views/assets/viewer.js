/*
 * The web viewer's page script (served from /assets, allowed by the content security policy):
 * draws the ladder and the graphs from the connection's embedded data with the same ladder.js
 * and graphs.js as the static report, the overview's charts, and handles drag and drop
 * uploads. Keys (keys.js): on a connection, n/p go to the next or previous connection; on the
 * connection list, n/p move through the rows and Enter opens one.
 */
(function () {
  'use strict';
  var host = document.getElementById('ladder');
  if (host && window.tcplensLadder) {
    var source = document.getElementById(host.getAttribute('data-ladder-source'));
    var data = JSON.parse(source.textContent);
    data.segments = data.segments.map(function (row, k) {
      var seg = window.tcplensLadder.unpackSegment(data.segmentKeys, row);
      if (data.labels) seg.label = data.labels[k]; // the time as time= shows it
      return seg;
    });
    if (window.tcplensFigures) window.tcplensFigures.figuresTable(document.getElementById('figures'), data.connection.figures);
    window.tcplensLadder.drawLadder(host, data.connection, data.segments);
    var graphs = document.getElementById('graphs');
    if (graphs && window.tcplensGraphs) window.tcplensGraphs.drawConnectionGraphs(graphs, data.connection, data.segments);
  }
  var charts = document.getElementById('tcplens-charts');
  if (charts && window.tcplensGraphs) {
    window.tcplensGraphs.drawCaptureCharts({ starts: document.getElementById('chart-starts'), handshakeRtt: document.getElementById('chart-handshake-rtt'), durations: document.getElementById('chart-durations') }, JSON.parse(charts.textContent));
  }
  if (window.tcplensKeys) {
    var nav = document.getElementById('conn-nav');
    var table = document.querySelector('#conn-table tbody');
    var cursor = -1;
    var moveRow = function (d) {
      var trs = table.querySelectorAll('tr');
      if (trs.length === 0) return;
      var next = cursor < 0 ? (d > 0 ? 0 : trs.length - 1) : cursor + d;
      // Past either end of the page: the next or previous page.
      var pager = document.getElementById(next >= trs.length ? 'next-page' : 'prev-page');
      if ((next >= trs.length || next < 0) && pager) { location.href = pager.getAttribute('href'); return; }
      cursor = Math.max(0, Math.min(trs.length - 1, next));
      for (var i = 0; i < trs.length; i++) trs[i].classList.toggle('cursor', i === cursor);
      trs[cursor].scrollIntoView({ block: 'nearest' });
    };
    var go = function (attr) { var href = nav && nav.getAttribute(attr); if (href) location.href = href; };
    window.tcplensKeys.install({
      next: nav ? function () { go('data-next'); } : table ? function () { moveRow(1); } : null,
      prev: nav ? function () { go('data-prev'); } : table ? function () { moveRow(-1); } : null,
      open: function () {
        if (!table || cursor < 0) return false;
        var a = table.querySelectorAll('tr')[cursor].querySelector('a');
        if (a) location.href = a.getAttribute('href');
        return !!a;
      }
    });
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
