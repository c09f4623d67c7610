/*
 * The static report's page logic: the connection table (sorted, filtered and paged in the
 * browser, so 100 000 rows stay responsive), the capture's charts, and the ladder and graphs of
 * the selected connection (ladder.js, graphs.js); keys (keys.js): n/p move through the table's
 * rows, Enter opens one. Reads the data embedded in #tcplens-data.
 */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('tcplens-data').textContent);
  var COLS = ['id', 'stream', 'client', 'server', 'start', 'duration', 'pkts c/s', 'bytes c/s', 'client state', 'server state', 'conn_state', 'anomalies'];
  var rows = data.rows; // [id, client, server, start, duration, pc, ps, bc, bs, stateC, stateS, connState, anomalies, ·, ·, stream, start as --time shows it]
  var view = rows.slice();
  var page = 0, pageSize = 50, sortCol = 0, sortDir = 1;

  function text(tag, value, cls) {
    var e = document.createElement(tag);
    e.textContent = value;
    if (cls) e.className = cls;
    return e;
  }

  function cellValues(r) {
    return [r[0], r[15], r[1], r[2], r[16] !== undefined ? r[16] : r[3], r[4].toFixed(3) + ' s', r[5] + '/' + r[6], r[7] + '/' + r[8], r[9], r[10], r[11], r[12] || '-'];
  }

  function sortKey(r, col) {
    if (col === 1) return r[15]; // tcp.stream; the other columns follow the row's order
    if (col > 1) col -= 1;
    switch (col) {
      case 4: return r[4];
      case 5: return r[5] + r[6];
      case 6: return r[7] + r[8];
      case 7: return r[9];
      case 8: return r[10];
      case 9: return r[11];
      case 10: return r[12];
      default: return r[col];
    }
  }

  function applyFilter() {
    var q = document.getElementById('filter-text').value.trim().toLowerCase();
    var state = document.getElementById('filter-state').value;
    var anomaly = document.getElementById('filter-anomaly').value;
    view = rows.filter(function (r) {
      if (state && r[9] !== state && r[10] !== state) return false;
      if (anomaly && (r[12] || '').split(',').indexOf(anomaly) < 0) return false;
      if (q && (r[1] + ' ' + r[2] + ' ' + r[11] + ' ' + r[12]).toLowerCase().indexOf(q) < 0) return false;
      return true;
    });
    view.sort(function (a, b) {
      var x = sortKey(a, sortCol), y = sortKey(b, sortCol);
      return (x < y ? -1 : x > y ? 1 : 0) * sortDir;
    });
    page = 0;
    cursor = -1;
    renderTable();
  }

  function renderTable() {
    var body = document.getElementById('conn-body');
    while (body.firstChild) body.removeChild(body.firstChild);
    var start = page * pageSize;
    view.slice(start, start + pageSize).forEach(function (r) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-conn', r[0]);
      if (r[0] === openId) tr.className = 'selected';
      cellValues(r).forEach(function (v) { tr.appendChild(text('td', String(v))); });
      tr.addEventListener('click', function () { select(r[0]); });
      body.appendChild(tr);
    });
    var pages = Math.max(1, Math.ceil(view.length / pageSize));
    document.getElementById('page-info').textContent = 'page ' + (page + 1) + ' of ' + pages + ' (' + view.length + ' of ' + rows.length + ' connections)';
  }

  var openId = null;
  function select(id) {
    openId = id;
    for (var q = 0; q < view.length; q++) if (view[q][0] === id) { cursor = q; break; }
    var panel = document.getElementById('ladder');
    var title = document.getElementById('ladder-title');
    var rowsEls = document.querySelectorAll('#conn-body tr');
    for (var i = 0; i < rowsEls.length; i++) rowsEls[i].classList.toggle('selected', rowsEls[i].getAttribute('data-conn') === String(id));
    var detail = data.details[id];
    if (detail && !detail.unpacked) {
      detail.segments = detail.segments.map(function (row, k) {
        var seg = window.tcplensLadder.unpackSegment(data.segmentKeys, row);
        if (detail.labels) seg.label = detail.labels[k]; // the time as --time shows it
        return seg;
      });
      detail.unpacked = true;
    }
    title.textContent = 'Connection ' + id + (detail ? ' (tcp.stream ' + detail.connection.stream + ')' : '');
    if (!detail) {
      while (panel.firstChild) panel.removeChild(panel.firstChild);
      var graphs = document.getElementById('graphs');
      while (graphs.firstChild) graphs.removeChild(graphs.firstChild);
      panel.appendChild(text('p', 'Details of this connection are not embedded in the report (size budget). Run: tcplens timeline FILE --conn ' + id, 'muted'));
      window.tcplensFigures.figuresTable(document.getElementById('figures'), null);
      return;
    }
    window.tcplensFigures.figuresTable(document.getElementById('figures'), detail.connection.figures);
    window.tcplensLadder.drawLadder(panel, detail.connection, detail.segments);
    window.tcplensGraphs.drawConnectionGraphs(document.getElementById('graphs'), detail.connection, detail.segments);
    document.getElementById('ladder-panel').scrollIntoView({ block: 'nearest' });
    if (history.replaceState) history.replaceState(null, '', '#conn-' + id);
  }

  function charts() {
    var G = window.tcplensGraphs;
    G.drawCaptureCharts({ starts: document.getElementById('chart-starts'), handshakeRtt: document.getElementById('chart-handshake-rtt'), durations: document.getElementById('chart-durations') }, data.charts);
    var flood = document.getElementById('chart-flood');
    if (!flood || !data.charts.starts) return;
    // SYNs (a client's first SYN) against completed handshakes, on the starts' bins.
    var s = data.charts.starts, n = s.counts.length, syns = [], done = [];
    for (var i = 0; i < n; i++) { syns.push(0); done.push(0); }
    rows.forEach(function (r) {
      var i = Math.min(n - 1, Math.floor((parseFloat(r[3]) - s.first) / s.width));
      if (r[13]) syns[i]++;
      if (r[14]) done[i]++;
    });
    flood.appendChild(G.timeBars('syn-flood', 'SYNs and completed handshakes (' + G.humanSeconds(s.width) + ' a bar)', s.width, [{ name: 'SYNs', values: syns, cls: 'syns' }, { name: 'completed handshakes', values: done, cls: 'done' }], 'connections'));
  }

  /** The keyboard's place in the table: an index into the filtered, sorted view. */
  var cursor = -1;
  function moveCursor(d) {
    if (view.length === 0) return;
    cursor = cursor < 0 ? (d > 0 ? 0 : view.length - 1) : Math.max(0, Math.min(view.length - 1, cursor + d));
    var want = Math.floor(cursor / pageSize);
    if (want !== page) { page = want; renderTable(); }
    markCursor();
  }
  function markCursor() {
    var id = cursor >= 0 && view[cursor] ? String(view[cursor][0]) : null;
    var trs = document.querySelectorAll('#conn-body tr');
    for (var i = 0; i < trs.length; i++) {
      var on = trs[i].getAttribute('data-conn') === id;
      trs[i].classList.toggle('cursor', on);
      if (on && trs[i].scrollIntoView) trs[i].scrollIntoView({ block: 'nearest' });
    }
  }

  document.getElementById('filter-text').addEventListener('input', applyFilter);
  document.getElementById('filter-state').addEventListener('change', applyFilter);
  document.getElementById('filter-anomaly').addEventListener('change', applyFilter);
  document.getElementById('prev').addEventListener('click', function () { if (page > 0) { page--; renderTable(); } });
  document.getElementById('next').addEventListener('click', function () { if ((page + 1) * pageSize < view.length) { page++; renderTable(); } });
  var ths = document.querySelectorAll('#conn-table th');
  for (var i = 0; i < ths.length; i++) {
    (function (col) {
      ths[col].addEventListener('click', function () {
        if (sortCol === col) sortDir = -sortDir; else { sortCol = col; sortDir = 1; }
        applyFilter();
      });
    })(i);
  }
  applyFilter();
  charts();
  window.tcplensKeys.install({
    next: function () { moveCursor(1); },
    prev: function () { moveCursor(-1); },
    open: function () {
      if (cursor < 0 || !view[cursor] || view[cursor][0] === openId) return false;
      select(view[cursor][0]);
      return true;
    }
  });
  // Links to a connection (#conn-7: the anomalies' list) open it.
  window.addEventListener('hashchange', function () {
    var h = /^#conn-(\d+)$/.exec(location.hash);
    if (h && Number(h[1]) !== openId) select(Number(h[1]));
  });
  var m = /^#conn-(\d+)$/.exec(location.hash);
  if (m) select(Number(m[1]));
  else if (rows.length > 0) select(rows[0][0]);
  document.body.setAttribute('data-ready', 'true');
})();
