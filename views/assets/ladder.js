/*
 * tcplens ladder: draws one connection as an SVG ladder diagram from its record (transitions,
 * anomalies, Wireshark flags) and segments. Used by the static HTML report and the web viewer.
 * Everything from the capture goes into the page through textContent, never as markup.
 */
(function (global) {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var STATE_COLOURS = {
    UNSEEN: '#f2f4f7', MIDSTREAM: '#e0eaff', CLOSED: '#eaecf0', LISTEN: '#f4ebff', 'SYN-SENT': '#fef0c7', 'SYN-RECEIVED': '#fef0c7',
    ESTABLISHED: '#d1fadf', 'FIN-WAIT-1': '#fddcab', 'FIN-WAIT-2': '#fddcab', 'CLOSE-WAIT': '#fee4e2', CLOSING: '#fddcab',
    'LAST-ACK': '#fee4e2', 'TIME-WAIT': '#e4e7ec'
  };
  var FLAG_NAMES = [[0x002, 'SYN'], [0x001, 'FIN'], [0x004, 'RST'], [0x008, 'PSH'], [0x010, 'ACK'], [0x020, 'URG'], [0x040, 'ECE'], [0x080, 'CWR'], [0x100, 'NS']];

  function flagText(f) {
    var out = [];
    for (var i = 0; i < FLAG_NAMES.length; i++) if (f & FLAG_NAMES[i][0]) out.push(FLAG_NAMES[i][1]);
    return out.length ? out.join(',') : 'none';
  }

  function el(name, attrs, text) {
    var e = document.createElementNS(SVG, name);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /** Rows: segments, with long runs of plain data segments folded into one row. */
  function rows(conn, segments, expanded) {
    var marked = {};
    (conn.transitions || []).forEach(function (t) { if (t.frame !== null) marked[t.frame] = true; });
    (conn.anomalies || []).forEach(function (a) { marked[a.frame] = true; });
    (conn.analysisFrames || []).forEach(function (a) { marked[a.frame] = true; });
    var out = [];
    var i = 0;
    while (i < segments.length) {
      var s = segments[i];
      var plain = !marked[s.frame] && s.len > 0 && !(s.flags & 0x007);
      if (plain && !expanded) {
        var j = i;
        while (j < segments.length && !marked[segments[j].frame] && segments[j].len > 0 && !(segments[j].flags & 0x007)) j++;
        if (j - i >= 5) {
          out.push({ fold: true, from: i, to: j, first: segments[i], last: segments[j - 1] });
          i = j;
          continue;
        }
      }
      out.push({ seg: s });
      i++;
    }
    return out;
  }

  /**
   * Draws into `host` (an element). conn: the connection record; segments: its segment
   * records (may be empty: then only the transitions are drawn).
   */
  function drawLadder(host, conn, segments, options) {
    options = options || {};
    while (host.firstChild) host.removeChild(host.firstChild);
    var list = rows(conn, segments || [], options.expanded);
    var xs = { client: 230, server: 690 };
    var top = 50, step = 30, bandW = 14;
    var height = top + Math.max(list.length, 1) * step + 90;
    var svg = el('svg', { class: 'ladder', width: 920, height: height, viewBox: '0 0 920 ' + height, role: 'img' });
    svg.appendChild(el('title', {}, 'Connection ' + conn.id + ' ladder'));
    // Evidence patterns: hatched = inferred (rests on a segment arriving), crossed = contradicted.
    var defs = el('defs', {});
    var hatch = el('pattern', { id: 'tcplens-hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' });
    hatch.appendChild(el('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#667085', 'stroke-width': 1.5 }));
    defs.appendChild(hatch);
    var cross = el('pattern', { id: 'tcplens-cross', width: 6, height: 6, patternUnits: 'userSpaceOnUse' });
    cross.appendChild(el('path', { d: 'M0 0 L6 6 M6 0 L0 6', stroke: '#b42318', 'stroke-width': 1 }));
    defs.appendChild(cross);
    svg.appendChild(defs);
    svg.appendChild(el('text', { x: xs.client, y: 16, 'text-anchor': 'middle', 'font-weight': 'bold' }, 'client ' + conn.client.ip + ':' + conn.client.port));
    svg.appendChild(el('text', { x: xs.server, y: 16, 'text-anchor': 'middle', 'font-weight': 'bold' }, 'server ' + conn.server.ip + ':' + conn.server.port));
    svg.appendChild(el('text', { x: 8, y: 16 }, 'time (s)'));
    // y of each frame's row, for the state bands.
    var yOf = {};
    list.forEach(function (r, k) {
      var y = top + k * step;
      if (r.fold) { for (var q = r.from; q < r.to; q++) yOf[segments[q].frame] = y; }
      else yOf[r.seg.frame] = y;
    });
    var bottom = top + list.length * step + 20;
    ['client', 'server'].forEach(function (side) {
      svg.appendChild(el('line', { class: 'lifeline', x1: xs[side], y1: 26, x2: xs[side], y2: bottom + 40 }));
      var changes = (conn.transitions || []).filter(function (t) { return t.side === side; });
      // Bands follow the changes; a change contradicted later ends at the frame against it and
      // its side goes back where it was. Inferred stretches are hatched, contradicted ones crossed.
      var events = [];
      changes.forEach(function (t, k) {
        var y = t.frame === null ? bottom : (yOf[t.frame] !== undefined ? yOf[t.frame] : null);
        events.push({ y: y, order: k * 2 + 1, t: t, undo: false });
        if (t.evidence === 'contradicted' && t.evidenceFrame !== null && yOf[t.evidenceFrame] !== undefined) events.push({ y: yOf[t.evidenceFrame], order: 0, t: t, undo: true });
      });
      var lastY = 26;
      events.forEach(function (e) { if (e.y === null) e.y = lastY; else lastY = e.y; });
      events.sort(function (a, b) { return a.y - b.y || (a.undo === b.undo ? a.order - b.order : (a.undo ? -1 : 1)); });
      var state = 'UNSEEN', evidence = 'witnessed', why = 'nothing seen from or about it yet', from = 26, bands = [];
      events.forEach(function (e) {
        var t = e.t, y = e.y;
        bands.push({ state: state, y1: from, y2: y, evidence: evidence, why: why });
        if (e.undo) { state = t.from; evidence = 'witnessed'; why = 'back to ' + t.from + ': ' + (t.why || ''); }
        else { state = t.to; evidence = t.projected ? 'inferred' : (t.evidence || 'witnessed'); why = t.why || ''; }
        from = y;
        if (!e.undo && t.projected) bands.push({ state: t.from, y1: y - 0.01, y2: y, evidence: 'inferred', why: t.cause });
      });
      bands.push({ state: state, y1: from, y2: bottom + 40, evidence: evidence, why: why });
      bands.forEach(function (b) {
        if (b.y2 <= b.y1) return;
        var r = el('rect', { x: xs[side] - bandW / 2, y: b.y1, width: bandW, height: b.y2 - b.y1, fill: STATE_COLOURS[b.state] || '#fff', stroke: '#98a2b3', class: 'band ' + b.evidence });
        r.appendChild(el('title', {}, side + ': ' + b.state + (b.why ? ' — ' + b.why : '')));
        svg.appendChild(r);
        if (b.evidence !== 'witnessed') {
          var h = el('rect', { x: xs[side] - bandW / 2, y: b.y1, width: bandW, height: b.y2 - b.y1, fill: 'url(#tcplens-' + (b.evidence === 'contradicted' ? 'cross' : 'hatch') + ')', class: 'band-evidence ' + b.evidence, 'pointer-events': 'none' });
          svg.appendChild(h);
        }
      });
      var seenAt = {};
      changes.forEach(function (t) {
        var y = t.frame === null ? bottom : (yOf[t.frame] !== undefined ? yOf[t.frame] : top);
        // Several changes at one frame (LISTEN then SYN-RECEIVED): stack their labels.
        var n = seenAt[y] || 0;
        seenAt[y] = n + 1;
        y += n * 12;
        var x = side === 'client' ? xs.client - bandW : xs.server + bandW;
        var cls = t.projected ? 'projected' : (t.evidence === 'contradicted' ? 'contradicted' : (t.evidence === 'inferred' ? 'inferred' : ''));
        var label = el('text', { x: x, y: y + 4, 'text-anchor': side === 'client' ? 'end' : 'start', class: cls }, (t.projected ? '⇢ ' : '') + t.to + (t.projected ? ' (projected)' : (t.evidence === 'contradicted' ? ' ✗' : (t.evidence === 'inferred' ? ' ?' : ''))));
        label.appendChild(el('title', {}, t.from + ' → ' + t.to + ': ' + t.cause + ' (' + t.rfc + ')' + (t.why ? '\n' + t.why : '')));
        svg.appendChild(label);
      });
    });
    var flagsByFrame = {};
    (conn.analysisFrames || []).forEach(function (a) { flagsByFrame[a.frame] = a.flags; });
    var findingsByFrame = {};
    (conn.anomalies || []).forEach(function (a) { (findingsByFrame[a.frame] = findingsByFrame[a.frame] || []).push(a); });
    list.forEach(function (r, k) {
      var y = top + k * step;
      if (r.fold) {
        var box = el('rect', { class: 'fold', x: xs.client + 10, y: y - 9, width: xs.server - xs.client - 20, height: 18, rx: 4 });
        var n = r.to - r.from;
        box.appendChild(el('title', {}, 'click to expand'));
        box.addEventListener('click', function () { drawLadder(host, conn, segments, { expanded: true }); });
        svg.appendChild(box);
        svg.appendChild(el('text', { x: (xs.client + xs.server) / 2, y: y + 4, 'text-anchor': 'middle' }, n + ' data segments, frames ' + r.first.frame + '–' + r.last.frame + ' (click to expand)'));
        svg.appendChild(el('text', { x: 8, y: y + 4 }, r.first.label !== undefined ? r.first.label : r.first.t.toFixed(6)));
        return;
      }
      var s = r.seg;
      var fromX = s.from === 'client' ? xs.client + bandW / 2 : xs.server - bandW / 2;
      var toX = s.from === 'client' ? xs.server - bandW / 2 : xs.client + bandW / 2;
      // The time as --time (or the viewer's time=) shows it, else seconds since the connection's first packet.
      var label = s.label !== undefined ? s.label : s.t.toFixed(6);
      var timeText = el('text', { x: 8, y: y + 4, class: 'seg-time' }, label);
      if (s.tsIso) timeText.appendChild(el('title', {}, s.tsIso));
      svg.appendChild(timeText);
      svg.appendChild(el('text', { x: Math.max(80, 8 + 6.6 * label.length + 6), y: y + 4, class: 'muted' }, '#' + s.frame));
      var line = el('line', { class: 'seg ' + s.from, x1: fromX, y1: y - 6, x2: toX, y2: y + 6 });
      svg.appendChild(line);
      var dir = toX > fromX ? -1 : 1;
      svg.appendChild(el('path', { d: 'M' + toX + ' ' + (y + 6) + ' l' + (8 * dir) + ' -6 l0 8 z', fill: s.from === 'server' ? '#1849a9' : '#344054' }));
      var win = s.windowScaleKnown === false ? s.win + '×?' : s.windowSize !== undefined ? s.windowSize : s.win;
      var label = flagText(s.flags) + ' seq=' + s.relSeq + (s.relAck !== null ? ' ack=' + s.relAck : '') + ' len=' + s.len + ' win=' + win;
      var text = el('text', { x: (xs.client + xs.server) / 2, y: y - 8, 'text-anchor': 'middle' }, label);
      svg.appendChild(text);
      var badges = (findingsByFrame[s.frame] || []).slice();
      (flagsByFrame[s.frame] || []).forEach(function (f) { badges.push({ id: f, severity: 'note', detail: 'Wireshark tcp.analysis.' + f }); });
      badges.forEach(function (b, q) {
        var cx = xs.server + 120 + q * 18;
        var g = el('g', { class: 'badge-group', 'data-anomaly': b.id });
        var c = el('circle', { class: 'badge ' + b.severity, cx: cx, cy: y, r: 7 });
        g.appendChild(c);
        g.appendChild(el('text', { x: cx, y: y + 4, 'text-anchor': 'middle', fill: '#fff', 'font-weight': 'bold' }, '!'));
        g.appendChild(el('title', {}, b.id + ': ' + b.detail));
        svg.appendChild(g);
      });
    });
    host.appendChild(svg);
    if (!segments || segments.length === 0) {
      var note = document.createElement('p');
      note.className = 'muted';
      note.textContent = 'Segments of this connection are not embedded in the report (size budget); the state changes are drawn. Run: tcplens timeline FILE --conn ' + conn.id;
      host.appendChild(note);
    }
    // Evidence legend, and why an endpoint ends where it does when the packets alone do not say it.
    var legend = document.createElement('p');
    legend.className = 'muted evidence-legend';
    legend.textContent = 'State bands: solid = witnessed by the endpoint\'s own segment; hatched = inferred (rests on a segment arriving when captured); cross-hatched = contradicted by later frames (hover a band or a state for why).';
    host.appendChild(legend);
    ['client', 'server'].forEach(function (side) {
      var n = conn.stateNotes && conn.stateNotes[side];
      if (!n) return;
      var p = document.createElement('p');
      p.className = 'state-note';
      p.textContent = side + ' ' + conn.states[side] + ': ' + n;
      host.appendChild(p);
    });
    var all = (conn.anomalies || []);
    if (all.length) {
      var h = document.createElement('h3');
      h.textContent = 'Anomalies';
      host.appendChild(h);
      var ul = document.createElement('ul');
      ul.className = 'findings';
      all.forEach(function (a) {
        var li = document.createElement('li');
        var b = document.createElement('b');
        b.className = 'sev-' + a.severity;
        b.textContent = a.id;
        li.appendChild(b);
        li.appendChild(document.createTextNode(' (frame ' + a.frame + ', ' + (a.side || 'connection') + '): ' + a.detail));
        ul.appendChild(li);
      });
      host.appendChild(ul);
    }
    return svg;
  }

  global.tcplensLadder = { drawLadder: drawLadder, flagText: flagText };
})(typeof window !== 'undefined' ? window : globalThis);
