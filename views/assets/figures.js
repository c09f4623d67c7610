/*
 * tcptrace -l's per-direction figures of one connection (its JSON "figures") as a table: drawn
 * beside the ladder by the static report (report.js) and the web viewer (viewer.js).
 */
(function () {
  'use strict';

  function text(tag, value) {
    var e = document.createElement(tag);
    e.textContent = value;
    return e;
  }

  function figuresTable(host, f) {
    while (host.firstChild) host.removeChild(host.firstChild);
    if (!f) return;
    var ms = function (s) { return s === null ? '-' : (s * 1000 < 10 ? (s * 1000).toFixed(3) : (s * 1000).toFixed(1)) + ' ms'; };
    var rtt = function (r) { return r.samples === 0 ? '-' : ms(r.min) + ' / ' + ms(r.avg) + ' / ' + ms(r.max) + ' (' + r.samples + ')'; };
    var opts = function (d) {
      var o = [];
      if (d.mss !== null) o.push('MSS ' + d.mss);
      if (d.windowScale !== null) o.push('wscale ' + d.windowScale);
      if (d.sackPermitted) o.push('SACK');
      if (d.timestamps) o.push('TS');
      return o.join(', ') || '-';
    };
    var rowsOf = [
      ['payload (unique)', function (d) { return d.dataBytes + ' B in ' + d.dataPackets + ' (' + d.uniqueBytes + ' B unique)'; }],
      ['resent', function (d) { return d.retransmittedPackets + (d.retransmittedPackets === 1 ? ' pkt, ' : ' pkts, ') + d.retransmittedBytes + ' B'; }],
      ['out of order', function (d) { return String(d.outOfOrderPackets); }],
      ['RTT from ACKs min/avg/max', function (d) { return rtt(d.rtt); }],
      ['RTT from timestamps', function (d) { return rtt(d.rttTimestamps); }],
      ['window min/max', function (d) { return d.windowMin + ' / ' + d.windowMax + ' B'; }],
      ['zero windows, probes', function (d) { return d.zeroWindows + ', ' + d.zeroWindowProbes; }],
      ['options seen', opts],
      ['throughput', function (d) { return d.throughput === null ? '-' : Math.round(d.throughput) + ' B/s'; }]
    ];
    var table = document.createElement('table');
    table.className = 'counts';
    table.setAttribute('data-figures', 'directions');
    var head = document.createElement('tr');
    ['', 'client → server', 'server → client'].forEach(function (h) { head.appendChild(text('th', h)); });
    table.appendChild(head);
    rowsOf.forEach(function (r) {
      var tr = document.createElement('tr');
      tr.appendChild(text('th', r[0]));
      tr.appendChild(text('td', r[1](f.client)));
      tr.appendChild(text('td', r[1](f.server)));
      table.appendChild(tr);
    });
    host.appendChild(table);
  }

  window.tcplensFigures = { figuresTable: figuresTable };
})();
