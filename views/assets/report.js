/*
 * The static report's page logic: the connection table (sorted, filtered and paged in the
 * browser, so 100 000 rows stay responsive), the overview charts, and the ladder of the
 * selected connection (drawn by ladder.js). Reads the data embedded in #tcplens-data.
 */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('tcplens-data').textContent);
  var COLS = ['id', 'stream', 'client', 'server', 'start', 'duration', 'pkts c/s', 'bytes c/s', 'client state', 'server state', 'conn_state', 'anomalies'];
  var rows = data.rows; // [id, client, server, start, duration, pc, ps, bc, bs, stateC, stateS, connState, anomalies, ·, ·, stream]
  var view = rows.slice();
  var page = 0, pageSize = 50, sortCol = 0, sortDir = 1;

  function text(tag, value, cls) {
    var e = document.createElement(tag);
    e.textContent = value;
    if (cls) e.className = cls;
    return e;
  }

  function cellValues(r) {
    return [r[0], r[15], r[1], r[2], r[3], r[4].toFixed(3) + ' s', r[5] + '/' + r[6], r[7] + '/' + r[8], r[9], r[10], r[11], r[12] || '-'];
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
    renderTable();
  }

  function renderTable() {
    var body = document.getElementById('conn-body');
    while (body.firstChild) body.removeChild(body.firstChild);
    var start = page * pageSize;
    view.slice(start, start + pageSize).forEach(function (r) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-conn', r[0]);
      cellValues(r).forEach(function (v) { tr.appendChild(text('td', String(v))); });
      tr.addEventListener('click', function () { select(r[0]); });
      body.appendChild(tr);
    });
    var pages = Math.max(1, Math.ceil(view.length / pageSize));
    document.getElementById('page-info').textContent = 'page ' + (page + 1) + ' of ' + pages + ' (' + view.length + ' of ' + rows.length + ' connections)';
  }

  function select(id) {
    var panel = document.getElementById('ladder');
    var title = document.getElementById('ladder-title');
    var rowsEls = document.querySelectorAll('#conn-body tr');
    for (var i = 0; i < rowsEls.length; i++) rowsEls[i].classList.toggle('selected', rowsEls[i].getAttribute('data-conn') === String(id));
    var detail = data.details[id];
    title.textContent = 'Connection ' + id + (detail ? ' (tcp.stream ' + detail.connection.stream + ')' : '');
    if (!detail) {
      while (panel.firstChild) panel.removeChild(panel.firstChild);
      panel.appendChild(text('p', 'Details of this connection are not embedded in the report (size budget). Run: tcplens timeline FILE --conn ' + id, 'muted'));
      window.tcplensFigures.figuresTable(document.getElementById('figures'), null);
      return;
    }
    window.tcplensFigures.figuresTable(document.getElementById('figures'), detail.connection.figures);
    window.tcplensLadder.drawLadder(panel, detail.connection, detail.segments);
    document.getElementById('ladder-panel').scrollIntoView({ block: 'nearest' });
    if (history.replaceState) history.replaceState(null, '', '#conn-' + id);
  }

  function barChart(host, buckets, series, labels) {
    var SVG = 'http://www.w3.org/2000/svg';
    var w = Math.max(300, Math.min(900, buckets.length * 6)), h = 120;
    var max = 1;
    series.forEach(function (s) { s.values.forEach(function (v) { if (v > max) max = v; }); });
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('width', w + 60);
    svg.setAttribute('height', h + 30);
    var bw = w / Math.max(1, buckets.length);
    series.forEach(function (s, si) {
      s.values.forEach(function (v, i) {
        var r = document.createElementNS(SVG, 'rect');
        var bh = (v / max) * h;
        r.setAttribute('x', 50 + i * bw + si * (bw / series.length));
        r.setAttribute('y', h - bh + 5);
        r.setAttribute('width', Math.max(1, bw / series.length - 1));
        r.setAttribute('height', bh);
        r.setAttribute('fill', s.colour);
        var t = document.createElementNS(SVG, 'title');
        t.textContent = s.name + ': ' + v + ' at ' + labels(i);
        r.appendChild(t);
        svg.appendChild(r);
      });
    });
    var maxLabel = document.createElementNS(SVG, 'text');
    maxLabel.setAttribute('x', 0);
    maxLabel.setAttribute('y', 14);
    maxLabel.textContent = String(max);
    svg.appendChild(maxLabel);
    host.appendChild(svg);
    var legend = document.createElement('div');
    legend.className = 'muted';
    legend.textContent = series.map(function (s) { return s.name; }).join(' · ') + ' — ' + labels(0) + ' … ' + labels(buckets.length - 1);
    host.appendChild(legend);
  }

  function charts() {
    if (rows.length === 0) return;
    var first = Infinity, last = -Infinity;
    rows.forEach(function (r) { var t = parseFloat(r[3]); if (t < first) first = t; if (t > last) last = t; });
    var span = Math.max(last - first, 1e-3);
    var n = Math.min(120, Math.max(10, Math.ceil(span)));
    var width = span / n;
    var starts = [], syns = [], done = [];
    for (var i = 0; i < n; i++) { starts.push(0); syns.push(0); done.push(0); }
    rows.forEach(function (r) {
      var i = Math.min(n - 1, Math.floor((parseFloat(r[3]) - first) / width));
      starts[i]++;
      if (r[13]) syns[i]++;
      if (r[14]) done[i]++;
    });
    var label = function (i) { return '+' + (i * width).toFixed(2) + ' s'; };
    barChart(document.getElementById('chart-starts'), starts, [{ name: 'connection starts', values: starts, colour: '#1849a9' }], label);
    var flood = document.getElementById('chart-flood');
    if (flood) barChart(flood, syns, [{ name: 'SYNs', values: syns, colour: '#b42318' }, { name: 'completed handshakes', values: done, colour: '#039855' }], label);
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
  window.addEventListener('hashchange', function () {
    var h = /^#conn-(\d+)$/.exec(location.hash);
    if (h) select(Number(h[1]));
  });
  var m = /^#conn-(\d+)$/.exec(location.hash);
  if (m) select(Number(m[1]));
  else if (rows.length > 0) select(rows[0][0]);
  document.body.setAttribute('data-ready', 'true');
})();
