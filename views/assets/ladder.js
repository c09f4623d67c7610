/*
 * tcplens ladder: draws one connection as an SVG ladder diagram from its record (transitions,
 * anomalies, Wireshark flags) and segments. Used by the static HTML report and the web viewer.
 * Each segment is labelled with its flags by name, its numbers and, on SYNs, its options; its
 * Wireshark flags and anomalies are text labels beside it; a click (or j/k, keys.js) selects it
 * and shows every detail below the ladder. Rows are evenly spaced with idle gaps marked
 * ("compressed"), or placed by time ("time to scale").
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

  /** SYN options as Wireshark names them: MSS=1460 WS=128 SACK_PERM TSval=… TFO=cookie(8). */
  function optionText(s) {
    var out = [];
    if (s.mss !== undefined) out.push('MSS=' + s.mss);
    if (s.wscale !== undefined) out.push('WS=' + Math.pow(2, Math.min(s.wscale, 14)) + ' (shift ' + s.wscale + ')');
    if (s.sackPermitted) out.push('SACK_PERM');
    if (s.tsval !== undefined && (s.flags & 0x002)) out.push('TSval=' + s.tsval + ' TSecr=' + s.tsecr);
    if (s.tfo !== undefined) out.push(s.tfo === 0 ? 'TFO=request' : 'TFO=cookie(' + s.tfo + ' bytes)');
    return out.join(' ');
  }

  /** The options under a SYN's arrow: one line, or two (timestamps apart) when one would run past the lifelines. */
  function optionLines(s) {
    var text = optionText(s);
    if (!text) return [];
    if (text.length <= 70) return [text];
    var at = text.indexOf(' TSval=');
    if (at < 0) return [text];
    var ts = text.slice(at + 1), rest = text.slice(0, at), tfo = ts.indexOf(' TFO=');
    // Keep TFO with the other options; the timestamps go on their own line.
    if (tfo >= 0) { rest += ts.slice(tfo); ts = ts.slice(0, tfo); }
    return [rest, ts];
  }

  /** ' SACK=1452-2872' for a segment with SACK blocks (relative edges). */
  function sackText(s) {
    if (!s.sack) return '';
    var out = [];
    for (var i = 0; i + 1 < s.sack.length; i += 2) out.push(s.sack[i] + '-' + s.sack[i + 1]);
    return ' SACK=' + out.join(',');
  }

  /** 20 µs, 1.50 ms, 20.0 s. */
  function duration(x) {
    if (x < 1e-3) return Number((x * 1e6).toPrecision(3)) + ' µs';
    if (x < 1) return Number((x * 1e3).toPrecision(3)) + ' ms';
    if (x < 120) return Number(x.toPrecision(3)) + ' s';
    return Math.floor(x / 60) + ' min ' + Math.round(x % 60) + ' s';
  }

  function el(name, attrs, text) {
    var e = document.createElementNS(SVG, name);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /** Segments an opened fold shows at once (the rest of its run stays folded). */
  var OPEN_AT_ONCE = 200;

  /**
   * Rows: segments, with runs of 5 or more plain segments folded into one row. Plain: no state
   * change, anomaly or Wireshark flag at its frame, no SYN, FIN or RST, and payload (in a
   * connection of more than 300 segments, pure ACKs too, so a bulk transfer folds). `open`:
   * the segment indexes where the reader opened a fold (true: every fold open).
   */
  function rows(conn, segments, open) {
    var marked = {};
    (conn.transitions || []).forEach(function (t) { if (t.frame !== null) marked[t.frame] = true; });
    (conn.anomalies || []).forEach(function (a) { marked[a.frame] = true; });
    (conn.analysisFrames || []).forEach(function (a) { marked[a.frame] = true; });
    var acksFold = segments.length > 300;
    function plain(s) { return !marked[s.frame] && !(s.flags & 0x007) && (s.len > 0 || acksFold); }
    var out = [];
    var i = 0;
    while (i < segments.length) {
      if (plain(segments[i]) && open !== true) {
        var j = i;
        while (j < segments.length && plain(segments[j])) j++;
        var shown = open && open[i] ? Math.min(j, i + OPEN_AT_ONCE) : i;
        for (; i < shown; i++) out.push({ seg: segments[i], index: i });
        if (j - i >= 5) {
          out.push({ fold: true, from: i, to: j, first: segments[i], last: segments[j - 1] });
          i = j;
          continue;
        }
      }
      if (i < segments.length) out.push({ seg: segments[i], index: i });
      i++;
    }
    return out;
  }

  /** A pause before a row at least this long (seconds) is idle: marked, and given room when rows are compressed. */
  function idleThreshold(conn) {
    return Math.max(0.1, 4 * (conn.irtt || 0));
  }

  /**
   * Draws into `host` (an element). conn: the connection record; segments: its segment
   * records (may be empty: then only the transitions are drawn). options: open (the folds
   * opened, see rows), mode ('compressed' or 'scale'), selected (a row index).
   */
  function drawLadder(host, conn, segments, options) {
    options = options || {};
    var mode = options.mode === 'scale' ? 'scale' : 'compressed';
    while (host.firstChild) host.removeChild(host.firstChild);
    segments = segments || [];
    var list = rows(conn, segments, options.open);
    var xs = { client: 250, server: 710 };
    var WIDTH = 1120, top = 50, step = 30, bandW = 14, GAP = 34;
    // Each row's time, and the idle pause before it.
    var idle = idleThreshold(conn);
    var times = list.map(function (r) { return r.fold ? r.first.t : r.seg.t; });
    var ends = list.map(function (r) { return r.fold ? r.last.t : r.seg.t; });
    var pauses = list.map(function (r, k) { return k === 0 ? 0 : times[k] - ends[k - 1]; });
    var rowY = [];
    var t0 = 0, span = 0, tall = 0;
    if (mode === 'scale') {
      t0 = times.length ? times[0] : 0;
      span = times.length ? ends[ends.length - 1] - t0 : 0;
      tall = Math.max(400, Math.min(list.length * step, 30000));
      list.forEach(function (r, k) { rowY.push(top + (span > 0 ? ((times[k] - t0) / span) * tall : k * step)); });
    } else {
      // Room for an idle mark before a row, and for the options line under a SYN's label.
      var extra = 0;
      list.forEach(function (r, k) {
        if (pauses[k] >= idle) extra += GAP;
        rowY.push(top + k * step + extra);
        if (!r.fold) extra += 11 * optionLines(r.seg).length;
      });
    }
    var lastRowY = rowY.length ? rowY[rowY.length - 1] : top;
    /** Where a fold's last segment falls, to scale. */
    function yEnd(r) { return mode === 'scale' && span > 0 ? top + ((r.last.t - t0) / span) * tall : 0; }
    var height = lastRowY + 130;
    // The toolbar: compressed or to scale.
    var bar = document.createElement('div');
    bar.className = 'ladder-toolbar';
    [['compressed', 'compressed (idle gaps marked)'], ['scale', 'time to scale']].forEach(function (m) {
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = m[1];
      b.setAttribute('data-mode', m[0]);
      b.setAttribute('aria-pressed', String(mode === m[0]));
      if (mode === m[0]) b.className = 'on';
      b.addEventListener('click', function () { drawLadder(host, conn, segments, { open: options.open, mode: m[0], selected: options.selected }); });
      bar.appendChild(b);
    });
    var hint = document.createElement('span');
    hint.className = 'muted';
    hint.textContent = ' click a segment for its details; keys: j/k segments, n/p connections, ? help';
    bar.appendChild(hint);
    host.appendChild(bar);
    var svg = el('svg', { class: 'ladder', width: WIDTH, height: height, viewBox: '0 0 ' + WIDTH + ' ' + height, role: 'img', 'data-mode': mode });
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
    svg.appendChild(el('text', { x: xs.server + 150, y: 16 }, 'Wireshark flags, anomalies'));
    // The selection highlight, under everything else.
    var hl = el('rect', { class: 'row-hl', x: 0, y: -100, width: WIDTH, height: 22, visibility: 'hidden' });
    svg.appendChild(hl);
    // Each row's click target, under the drawing (so tooltips above still show); a click anywhere
    // on a row's marks finds its row through data-row.
    var hitLayer = el('g', { class: 'seg-hits' });
    svg.appendChild(hitLayer);
    // Folds under the segments' arrows and labels (to scale, a fold is as tall as its time).
    var foldLayer = el('g', { class: 'folds' });
    svg.appendChild(foldLayer);
    // y of each frame's row, for the state bands.
    var yOf = {};
    list.forEach(function (r, k) {
      var y = rowY[k];
      if (r.fold) { for (var q = r.from; q < r.to; q++) yOf[segments[q].frame] = y; }
      else yOf[r.seg.frame] = y;
    });
    var bottom = lastRowY + 20;
    // Idle pauses: a break across the lifelines with the pause's length.
    list.forEach(function (r, k) {
      if (k === 0 || pauses[k] < idle) return;
      if (mode === 'scale' && rowY[k] - rowY[k - 1] < 30) return; // to scale, a short pause shows by itself
      var y = mode === 'scale' ? (rowY[k - 1] + rowY[k]) / 2 : rowY[k] - GAP / 2 - step / 2 + 4;
      var g = el('g', { class: 'idle-gap', 'data-idle': pauses[k].toFixed(6) });
      g.appendChild(el('path', { class: 'idle-break', d: 'M' + (xs.client - 40) + ' ' + y + ' l10 -5 l10 10 l10 -5 H' + (xs.server + 10) + ' l10 -5 l10 10 l10 -5' }));
      g.appendChild(el('text', { x: (xs.client + xs.server) / 2, y: y - 4, 'text-anchor': 'middle' }, '⋯ idle ' + duration(pauses[k]) + ' ⋯'));
      svg.appendChild(g);
    });
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
      var lastLabel = -Infinity;
      changes.forEach(function (t) {
        var y = t.frame === null ? bottom : (yOf[t.frame] !== undefined ? yOf[t.frame] : top);
        // Several changes at one frame (LISTEN then SYN-RECEIVED), or close together when time is to scale: stack their labels.
        if (y < lastLabel + 12) y = lastLabel + 12;
        lastLabel = y;
        var x = side === 'client' ? xs.client - bandW : xs.server + bandW;
        var cls = t.projected ? 'projected' : (t.evidence === 'contradicted' ? 'contradicted' : (t.evidence === 'inferred' ? 'inferred' : ''));
        var label = el('text', { x: x, y: y + 4, 'text-anchor': side === 'client' ? 'end' : 'start', class: cls }, (t.projected ? '⇢ ' : '') + t.to + (t.projected ? ' (projected)' : (t.evidence === 'contradicted' ? ' ✗' : (t.evidence === 'inferred' ? ' ?' : ''))));
        label.appendChild(el('title', {}, t.from + ' → ' + t.to + ': ' + t.cause + ' (' + t.rfc + ')' + (t.why ? '\n' + t.why : '')));
        svg.appendChild(label);
      });
    });
    var flagsByFrame = {};
    (conn.analysisFrames || []).forEach(function (a) { flagsByFrame[a.frame] = a; });
    var findingsByFrame = {};
    (conn.anomalies || []).forEach(function (a) { (findingsByFrame[a.frame] = findingsByFrame[a.frame] || []).push(a); });
    var changesByFrame = {};
    (conn.transitions || []).forEach(function (t) { if (t.frame !== null) (changesByFrame[t.frame] = changesByFrame[t.frame] || []).push(t); });
    var lastLabelY = -Infinity;
    list.forEach(function (r, k) {
      var y = rowY[k];
      // Rows closer than a label and its arrow (time to scale): arrows only; the details are a click away.
      var roomy = y - lastLabelY >= 26;
      if (roomy) lastLabelY = y;
      hitLayer.appendChild(el('rect', { class: 'seg-hit', x: 0, y: y - 11, width: WIDTH, height: 22, 'data-row': k, 'data-frame': r.fold ? r.first.frame : r.seg.frame }));
      if (r.fold) {
        // To scale, a fold reaches from its first segment's time to its last's.
        var boxH = mode === 'scale' && k + 1 < list.length ? Math.max(18, Math.min(rowY[k + 1] - 4, yEnd(r)) - y + 9) : 18;
        var box = el('rect', { class: 'fold', x: xs.client + 10, y: y - 9, width: xs.server - xs.client - 20, height: boxH, rx: 4, 'data-row': k });
        var n = r.to - r.from;
        box.appendChild(el('title', {}, n + ' segments, frames ' + r.first.frame + '–' + r.last.frame + ', ' + duration(r.last.t - r.first.t) + ': click to open'));
        foldLayer.appendChild(box);
        if (roomy) svg.appendChild(el('text', { x: (xs.client + xs.server) / 2, y: y + 4, 'text-anchor': 'middle', 'pointer-events': 'none' }, n + ' segments, frames ' + r.first.frame + '–' + r.last.frame + ' (click to open)'));
        if (roomy) svg.appendChild(el('text', { x: 8, y: y + 4 }, r.first.label !== undefined ? r.first.label : r.first.t.toFixed(6)));
        return;
      }
      var s = r.seg;
      var fromX = s.from === 'client' ? xs.client + bandW / 2 : xs.server - bandW / 2;
      var toX = s.from === 'client' ? xs.server - bandW / 2 : xs.client + bandW / 2;
      var g = el('g', { class: 'seg-row', 'data-frame': s.frame, 'data-row': k });
      if (roomy) {
        // The time as --time (or the viewer's time=) shows it, else seconds since the connection's first packet.
        var label = s.label !== undefined ? s.label : s.t.toFixed(6);
        g.appendChild(el('text', { x: 8, y: y + 4, class: 'seg-time' }, label));
        g.appendChild(el('text', { x: Math.max(80, 8 + 6.6 * label.length + 6), y: y + 4, class: 'muted' }, '#' + s.frame));
      }
      g.appendChild(el('line', { class: 'seg ' + s.from, x1: fromX, y1: y - 6, x2: toX, y2: y + 6 }));
      var dir = toX > fromX ? -1 : 1;
      g.appendChild(el('path', { class: 'arrow ' + s.from, d: 'M' + toX + ' ' + (y + 6) + ' l' + (8 * dir) + ' -6 l0 8 z' }));
      if (roomy) {
        var win = s.windowScaleKnown === false ? s.win + '×?' : s.windowSize !== undefined ? s.windowSize : s.win;
        var label = flagText(s.flags) + ' seq=' + s.relSeq + (s.relAck !== null ? ' ack=' + s.relAck : '') + ' len=' + s.len + ' win=' + win + sackText(s);
        g.appendChild(el('text', { class: 'seg-label', x: (xs.client + xs.server) / 2, y: y - 8, 'text-anchor': 'middle' }, label));
        optionLines(s).forEach(function (line, q) {
          g.appendChild(el('text', { class: 'seg-options', x: (xs.client + xs.server) / 2, y: y + 16 + 11 * q, 'text-anchor': 'middle' }, line));
        });
      }
      svg.appendChild(g);
      // Wireshark flags and anomalies as words, right of the server's lifeline.
      var lx = xs.server + 150;
      var wf = flagsByFrame[s.frame];
      (wf ? wf.flags : []).forEach(function (f) {
        if (!roomy) return;
        var t = el('text', { class: 'ws-flag', x: lx, y: y + 4, 'data-flag': f, 'data-row': k }, f + (f === 'duplicate_ack' && wf.duplicateAckNum ? ' #' + wf.duplicateAckNum : ''));
        t.appendChild(el('title', {}, 'Wireshark tcp.analysis.' + f + (wf.duplicateAckFrame ? ' (of frame ' + wf.duplicateAckFrame + ')' : '')));
        svg.appendChild(t);
        lx += (f.length + (f === 'duplicate_ack' ? 4 : 0)) * 6.7 + 10;
      });
      (findingsByFrame[s.frame] || []).forEach(function (b) {
        var ag = el('g', { class: 'badge-group', 'data-anomaly': b.id, 'data-row': k });
        var t = el('text', { class: 'anomaly-label sev-' + b.severity, x: lx, y: y + 4 }, '⚠ ' + b.id);
        ag.appendChild(t);
        ag.appendChild(el('title', {}, b.id + ': ' + b.detail));
        svg.appendChild(ag);
        lx += (b.id.length + 2) * 6.7 + 10;
      });
    });
    host.appendChild(svg);
    var details = document.createElement('div');
    details.className = 'seg-details';
    details.setAttribute('aria-live', 'polite');
    host.appendChild(details);

    /** Opens the fold of row k (its first OPEN_AT_ONCE segments), keeping it selected. */
    function openFold(k) {
      var open = {};
      if (options.open && options.open !== true) for (var key in options.open) open[key] = true;
      open[list[k].from] = true;
      drawLadder(host, conn, segments, { open: open, mode: mode, selected: k });
    }

    /** Selects row k: highlight, details, and into view. */
    function select(k, scroll) {
      if (list.length === 0) return;
      k = Math.max(0, Math.min(list.length - 1, k));
      options.selected = k;
      state.selected = k;
      hl.setAttribute('y', rowY[k] - 11);
      hl.setAttribute('visibility', 'visible');
      showDetails(details, list[k], conn, flagsByFrame, findingsByFrame, changesByFrame, pauses[k]);
      if (scroll && hl.scrollIntoView) hl.scrollIntoView({ block: 'nearest' });
    }
    svg.addEventListener('click', function (e) {
      var n = e.target;
      while (n && n !== svg && !(n.getAttribute && n.getAttribute('data-row') !== null)) n = n.parentNode;
      if (!n || n === svg) return;
      var k = Number(n.getAttribute('data-row'));
      if (list[k].fold) { openFold(k); return; }
      select(k, false);
    });
    var state = {
      selected: -1,
      rows: list.length,
      move: function (d) { select(state.selected < 0 ? (d > 0 ? 0 : list.length - 1) : state.selected + d, true); },
      open: function () {
        if (state.selected >= 0 && list[state.selected].fold) openFold(state.selected);
      },
      mode: mode
    };
    host.tcplensLadderState = state;
    if (options.selected !== undefined && options.selected >= 0) select(options.selected, false);

    if (segments.length === 0) {
      var note = document.createElement('p');
      note.className = 'muted';
      note.textContent = 'Segments of this connection are not embedded in the report (size budget); the state changes are drawn. Run: tcplens timeline FILE --conn ' + conn.id;
      host.appendChild(note);
    }
    // Evidence legend, and why an endpoint ends where it does when the packets alone do not say it.
    var legend = document.createElement('p');
    legend.className = 'muted evidence-legend';
    legend.textContent = 'State bands: solid = witnessed by the endpoint\'s own segment; hatched = inferred (rests on a segment arriving when captured); cross-hatched = contradicted by later frames (hover a band or a state for why). Pauses of ' + duration(idle) + ' or more are marked idle.';
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
        li.appendChild(document.createTextNode(' ('));
        // The frame, as a link to its row in the ladder.
        var at = -1;
        for (var q = 0; q < list.length; q++) if (!list[q].fold && list[q].seg.frame === a.frame) { at = q; break; }
        if (at >= 0) {
          var go = document.createElement('a');
          go.href = '#';
          go.className = 'frame-link';
          go.textContent = 'frame ' + a.frame;
          go.addEventListener('click', function (e) { e.preventDefault(); select(at, true); });
          li.appendChild(go);
        } else li.appendChild(document.createTextNode('frame ' + a.frame));
        li.appendChild(document.createTextNode(', ' + (a.side || 'connection') + '): ' + a.detail));
        ul.appendChild(li);
      });
      host.appendChild(ul);
    }
    return svg;
  }

  /** The selected row's every detail, as a definition list (text only). */
  function showDetails(box, r, conn, flagsByFrame, findingsByFrame, changesByFrame, pause) {
    while (box.firstChild) box.removeChild(box.firstChild);
    var h = document.createElement('h3');
    var dl = document.createElement('dl');
    function row(k, v) {
      var dt = document.createElement('dt');
      dt.textContent = k;
      var dd = document.createElement('dd');
      dd.textContent = v;
      dl.appendChild(dt);
      dl.appendChild(dd);
    }
    if (r.fold) {
      h.textContent = 'Frames ' + r.first.frame + '–' + r.last.frame + ': ' + (r.to - r.from) + ' data segments folded (Enter or a click expands them)';
      box.appendChild(h);
      return;
    }
    var s = r.seg;
    h.textContent = 'Frame ' + s.frame + ': ' + s.from + ' → ' + (s.from === 'client' ? 'server' : 'client') + ', ' + flagText(s.flags);
    box.appendChild(h);
    row('time', s.ts + ' (+' + s.t.toFixed(6) + ' s since the connection\'s first packet)');
    if (pause > 0) row('pause before', duration(pause));
    row('flags', flagText(s.flags) + ' (0x' + ('00' + s.flags.toString(16)).slice(-3) + ')');
    row('sequence number', s.relSeq + ' relative (raw ' + s.seq + ')');
    row('acknowledgment number', s.relAck !== null ? s.relAck + ' relative (raw ' + s.ack + ')' : 'none (ACK not set)');
    row('payload', s.len + ' bytes; next sequence number ' + (s.relSeq + s.len + (s.flags & 0x002 ? 1 : 0) + (s.flags & 0x001 ? 1 : 0)));
    row('window', s.windowScaleKnown === false ? s.win + ' (scale unknown: the handshake was not captured)' : s.windowSize + ' bytes (field ' + s.win + (s.windowSize !== s.win ? ', scaled ×' + Math.round(s.windowSize / Math.max(1, s.win)) : '') + ')');
    var opts = optionText(s);
    if (opts) row('options', opts);
    if (s.tsval !== undefined) row('timestamps', 'TSval ' + s.tsval + ', TSecr ' + s.tsecr);
    if (s.sack) {
      var blocks = [];
      for (var i = 0; i + 1 < s.sack.length; i += 2) blocks.push(s.sack[i] + '–' + s.sack[i + 1]);
      row('SACK blocks', blocks.join(', '));
    }
    var wf = flagsByFrame[s.frame];
    row('Wireshark analysis', wf ? wf.flags.map(function (f) { return 'tcp.analysis.' + f; }).join(', ') + (wf.duplicateAckNum ? ' (duplicate ACK #' + wf.duplicateAckNum + ' of frame ' + wf.duplicateAckFrame + ')' : '') : 'none');
    (changesByFrame[s.frame] || []).forEach(function (t) { row('state change', t.side + ' ' + t.from + ' → ' + t.to + ': ' + t.cause + ' (' + t.rfc + '); ' + t.why); });
    (findingsByFrame[s.frame] || []).forEach(function (a) { row('anomaly ' + a.id, a.detail); });
    box.appendChild(dl);
  }

  /**
   * A segment record from its packed form (src/report/packed-segments.ts): values in `keys`
   * order, the first 13 always there (relAck may be null), absent options null or left off.
   */
  function unpackSegment(keys, row) {
    var s = {};
    for (var i = 0; i < keys.length && i < row.length; i++) {
      if (i >= 13 && row[i] === null) continue;
      s[keys[i]] = row[i];
    }
    s.from = s.from === 0 ? 'client' : 'server';
    s.windowScaleKnown = s.windowScaleKnown === 1;
    if (s.sackPermitted !== undefined) s.sackPermitted = true;
    return s;
  }

  global.tcplensLadder = { drawLadder: drawLadder, flagText: flagText, optionText: optionText, unpackSegment: unpackSegment };
})(typeof window !== 'undefined' ? window : globalThis);
