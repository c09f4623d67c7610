/*
 * tcplens graphs: SVG drawn in the browser from the data already in the page (no network, no
 * external script), for the static report and the web viewer alike.
 *   Per connection: the time-sequence graph in the tcptrace/Stevens style (one direction's
 *   sequence numbers against time, the peer's ACK line and the right edge of its receive window,
 *   its SACK blocks; retransmissions and zero-window probes marked by their Wireshark flag),
 *   the RTT over time (Wireshark's tcp.analysis.ack_rtt rule, replayed here), the throughput.
 *   Per capture: connection starts over time, handshake RTTs, connection durations.
 * Each graph's root <svg> carries data-graph (its kind) and its axes' domains and plot box
 * (data-x0, data-x1, data-y0, data-y1, data-left, data-top, data-plot-width, data-plot-height),
 * so a test or a tool can read a point's value back from its coordinates. Big connections are
 * decimated per pixel column: a 40,000-segment connection draws at most a few marks a column.
 * Everything from the capture goes in through textContent or numeric attributes.
 */
(function (global) {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var RESENT = ['retransmission', 'fast_retransmission', 'spurious_retransmission'];
  /** Wireshark's cap on a direction's unacknowledged segments (MAX_UNACKED_SEGMENTS). */
  var MAX_UNACKED = 10000;
  var uid = 0;

  function el(name, attrs, text) {
    var e = document.createElementNS(SVG, name);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // ---- numbers and units ---------------------------------------------------

  function niceStep(span, count) {
    var raw = span / count;
    var p = Math.pow(10, Math.floor(Math.log(raw) / Math.LN10));
    var m = raw / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
  }

  function ticks(lo, hi, count) {
    var step = niceStep(hi - lo || 1, count);
    var out = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9 && out.length < 50; v += step) out.push(Number(v.toPrecision(12)));
    return out;
  }

  /** The unit a time axis whose largest value is `max` seconds is labelled in. */
  function timeUnit(max) {
    if (max < 1e-3) return { name: 'µs', f: 1e6 };
    if (max < 2) return { name: 'ms', f: 1e3 };
    return { name: 's', f: 1 };
  }

  /** 20 µs, 1.5 ms, 2.00 s, 3 min 20 s. */
  function humanSeconds(x) {
    if (x === 0) return '0';
    if (x < 1e-3) return trim(x * 1e6) + ' µs';
    if (x < 1) return trim(x * 1e3) + ' ms';
    if (x < 120) return trim(x) + ' s';
    if (x < 7200) return Math.floor(x / 60) + ' min ' + Math.round(x % 60) + ' s';
    return trim(x / 3600) + ' h';
  }

  function plural(n, word) {
    return n + ' ' + word + (n === 1 ? '' : 's');
  }

  function trim(v) {
    return String(Number(v.toPrecision(3)));
  }

  /** 1200 → 1.2k, 3400000 → 3.4M. */
  function si(v) {
    var a = Math.abs(v);
    if (a >= 1e9) return trim(v / 1e9) + 'G';
    if (a >= 1e6) return trim(v / 1e6) + 'M';
    if (a >= 1e4) return trim(v / 1e3) + 'k';
    return String(Number(v.toPrecision(6)));
  }

  function rateUnit(max) {
    if (max >= 1e9) return { name: 'Gbit/s', f: 1e-9 };
    if (max >= 1e6) return { name: 'Mbit/s', f: 1e-6 };
    if (max >= 1e3) return { name: 'kbit/s', f: 1e-3 };
    return { name: 'bit/s', f: 1 };
  }

  // ---- a plot: axes, labels and the value ↔ pixel mapping ------------------

  var W = 900, H = 320, LEFT = 76, RIGHT = 16, TOP = 42, BOTTOM = 46;

  /**
   * An <svg data-graph=kind> with axes. o: x0, x1, y0, y1 (domains), xLabel, yLabel (with
   * units), xTick(v) and yTick(v) (tick text), title, height.
   */
  function plot(kind, o) {
    var h = o.height || H;
    var pw = W - LEFT - RIGHT, ph = h - TOP - BOTTOM;
    if (!(o.x1 > o.x0)) o.x1 = o.x0 + 1e-3;
    if (!(o.y1 > o.y0)) o.y1 = o.y0 + 1;
    var svg = el('svg', {
      class: 'graph', 'data-graph': kind, width: W, height: h, viewBox: '0 0 ' + W + ' ' + h, role: 'img',
      'data-x0': o.x0, 'data-x1': o.x1, 'data-y0': o.y0, 'data-y1': o.y1,
      'data-left': LEFT, 'data-top': TOP, 'data-plot-width': pw, 'data-plot-height': ph
    });
    svg.appendChild(el('title', {}, o.title));
    var x = function (v) { return LEFT + ((v - o.x0) / (o.x1 - o.x0)) * pw; };
    var y = function (v) { return TOP + ph - ((v - o.y0) / (o.y1 - o.y0)) * ph; };
    var axes = el('g', { class: 'axes' });
    axes.appendChild(el('rect', { class: 'plot-area', x: LEFT, y: TOP, width: pw, height: ph }));
    if (o.xTicks !== false) {
      ticks(o.x0, o.x1, 8).forEach(function (v) {
        var px = x(v);
        axes.appendChild(el('line', { class: 'grid', x1: px, y1: TOP, x2: px, y2: TOP + ph }));
        axes.appendChild(el('text', { x: px, y: TOP + ph + 14, 'text-anchor': 'middle' }, o.xTick(v)));
      });
    }
    ticks(o.y0, o.y1, 5).forEach(function (v) {
      var py = y(v);
      axes.appendChild(el('line', { class: 'grid', x1: LEFT, y1: py, x2: LEFT + pw, y2: py }));
      axes.appendChild(el('text', { x: LEFT - 5, y: py + 4, 'text-anchor': 'end' }, o.yTick(v)));
    });
    axes.appendChild(el('text', { class: 'axis-label', x: LEFT + pw / 2, y: h - 8, 'text-anchor': 'middle' }, o.xLabel));
    axes.appendChild(el('text', { class: 'axis-label', x: 14, y: TOP + ph / 2, 'text-anchor': 'middle', transform: 'rotate(-90 14 ' + (TOP + ph / 2) + ')' }, o.yLabel));
    axes.appendChild(el('text', { class: 'graph-title', x: LEFT, y: 14 }, o.title));
    svg.appendChild(axes);
    var clip = 'tcplens-clip-' + (++uid);
    var defs = el('defs', {});
    var cp = el('clipPath', { id: clip });
    cp.appendChild(el('rect', { x: LEFT, y: TOP - 1, width: pw, height: ph + 2 }));
    defs.appendChild(cp);
    svg.appendChild(defs);
    var g = el('g', { class: 'marks', 'clip-path': 'url(#' + clip + ')' });
    svg.appendChild(g);
    return { svg: svg, g: g, x: x, y: y, pw: pw, ph: ph, col: function (v) { return Math.max(0, Math.min(pw - 1, Math.floor(((v - o.x0) / (o.x1 - o.x0)) * pw))); } };
  }

  /** Colour keys on a line under the title: items [class, text]. */
  function legend(svg, items) {
    var x = LEFT;
    items.forEach(function (it) {
      svg.appendChild(el('rect', { x: x, y: 22, width: 10, height: 10, class: 'swatch ' + it[0] }));
      svg.appendChild(el('text', { x: x + 14, y: 31, class: 'legend' }, it[1]));
      x += 14 + it[1].length * 6.2 + 16;
    });
  }

  function timeAxis(t1) {
    var u = timeUnit(t1);
    return { xLabel: 'time since the connection\'s first packet (' + u.name + ')', xTick: function (v) { return si(v * u.f); } };
  }

  // ---- per connection ------------------------------------------------------

  function flagIndex(conn) {
    var m = {};
    (conn.analysisFrames || []).forEach(function (a) { m[a.frame] = a.flags; });
    return m;
  }

  function hasAny(flags, names) {
    if (!flags) return false;
    for (var i = 0; i < names.length; i++) if (flags.indexOf(names[i]) >= 0) return true;
    return false;
  }

  /** Sequence space a segment occupies: payload, plus one each for SYN and FIN (RFC 9293 §3.4). */
  function seqLen(s) {
    return s.len + (s.flags & 0x002 ? 1 : 0) + (s.flags & 0x001 ? 1 : 0);
  }

  function sd(a, b) { return (a - b) | 0; } // signed distance mod 2^32 (tcp/seq.ts seqDiff)

  /**
   * ACK RTT samples as Wireshark takes them (packet-tcp.c tcp_analyze_sequence_number, the
   * tcp.analysis.acks_frame / ack_rtt fields; src/analysis/flags/sequence-analysis.ts
   * acknowledge): every segment with payload, SYN or FIN (keep-alives too) joins its
   * direction's unacknowledged list; a segment's ACK field drops the peer's segments it covers,
   * trims one it covers in part, and the oldest one whose end it equals exactly gives the
   * sample. Returns [{frame (the ACK), acks (the data frame), t (the ACK's time), rtt (s), from
   * (the data's sender)}].
   */
  function rttSamples(segments) {
    var unacked = { client: [], server: [] };
    var out = [];
    for (var k = 0; k < segments.length; k++) {
      var s = segments[k];
      var fl = s.flags;
      var synFin = (fl & 0x003) !== 0;
      var mine = unacked[s.from];
      if ((s.len > 0 || synFin) && mine.length < MAX_UNACKED) {
        mine.push({ seq: s.seq, next: (s.seq + s.len + (synFin ? 1 : 0)) >>> 0, frame: s.frame, t: s.t });
      }
      var rev = unacked[s.from === 'client' ? 'server' : 'client'];
      if (rev.length === 0) continue;
      var ack = s.ack >>> 0, acked = null, keep = [];
      for (var i = rev.length - 1; i >= 0; i--) {
        var u = rev[i];
        if (ack === u.next) acked = u;
        else if (sd(ack, u.seq) > 0 && sd(ack, u.next) <= 0) { u.seq = ack; keep.push(u); continue; }
        else if (sd(u.next, ack) > 0) { keep.push(u); continue; }
      }
      if (keep.length !== rev.length) {
        keep.reverse();
        unacked[s.from === 'client' ? 'server' : 'client'] = keep;
      }
      if (acked !== null) out.push({ frame: s.frame, acks: acked.frame, t: s.t, rtt: s.t - acked.t, from: s.from === 'client' ? 'server' : 'client' });
    }
    return out;
  }

  /** The end of the connection's time axis. */
  function lastT(segments) {
    var t1 = 0;
    for (var i = 0; i < segments.length; i++) if (segments[i].t > t1) t1 = segments[i].t;
    return t1;
  }

  /**
   * Time-sequence graph of the data `dir` ('client' or 'server') sends: a vertical bar per
   * segment from its relative sequence number to its end (tcptrace), red when Wireshark calls
   * it a retransmission, orange for a zero-window probe; the peer's ACK line (relAck) and its
   * window's right edge (relAck + tcp.window_size) as steps; its SACK blocks as purple bars at
   * the time of the ACK that carries them. Above 2 marks per pixel column, segments are drawn
   * as one bar per column from the lowest start to the highest end (data-frames = how many).
   */
  function timeSequence(conn, segments, dir, range) {
    var flags = flagIndex(conn);
    var data = [], acks = [];
    var x0 = range ? range.t0 : 0, t1 = range ? range.t1 : lastT(segments), ymin = Infinity, ymax = -Infinity, edgeMax = -Infinity;
    var before = null; // the peer's last ACK before the range: where its lines enter
    for (var i = 0; i < segments.length; i++) {
      var s = segments[i];
      if (s.t < x0 || s.t > t1) {
        if (s.t < x0 && s.from !== dir && s.relAck !== null) before = s;
        continue;
      }
      if (before !== null) {
        acks.push({ t: x0, relAck: before.relAck, windowSize: before.windowSize, frame: before.frame });
        before = null;
      }
      if (s.from === dir) {
        if (seqLen(s) > 0) {
          data.push(s);
          if (s.relSeq < ymin) ymin = s.relSeq;
          if (s.relSeq + seqLen(s) > ymax) ymax = s.relSeq + seqLen(s);
        }
      } else if (s.relAck !== null) {
        acks.push(s);
        if (s.relAck < ymin) ymin = s.relAck;
        if (s.relAck > ymax) ymax = s.relAck;
        if (s.relAck + s.windowSize > edgeMax) edgeMax = s.relAck + s.windowSize;
        if (s.sack) for (var q = 1; q < s.sack.length; q += 2) if (s.sack[q] > ymax) ymax = s.sack[q];
      }
    }
    if (ymin === Infinity) { ymin = 0; ymax = 1; }
    // The window's edge is drawn; it sets the scale unless it would flatten the data (then it is cut at the top).
    var edgeCut = edgeMax > ymax && edgeMax - ymin > 4 * Math.max(1, ymax - ymin);
    if (edgeMax > ymax && !edgeCut) ymax = edgeMax;
    var ta = timeAxis(t1);
    var p = plot('time-sequence', {
      // A little room right of the last mark.
      x0: x0, x1: t1 + (t1 - x0) * 0.01, y0: Math.min(0, ymin), y1: ymax + Math.max(1, (ymax - ymin) * 0.03),
      xLabel: ta.xLabel, xTick: ta.xTick,
      yLabel: 'relative sequence number (bytes)', yTick: si,
      title: 'Time-sequence: ' + dir + ' → ' + (dir === 'client' ? 'server' : 'client') + ' (' + plural(data.length, 'segment') + ')'
    });
    p.svg.setAttribute('data-direction', dir);
    p.svg.setAttribute('data-segments', data.length);
    // The ACK line and the window edge: step lines, at most 4 points a column.
    var ackPts = [], edgePts = [];
    stepLine(acks, p, function (a) { return a.relAck; }, ackPts);
    stepLine(acks, p, function (a) { return a.relAck + a.windowSize; }, edgePts);
    if (edgePts.length) p.g.appendChild(el('polyline', { class: 'ts-window', points: edgePts.join(' ') }));
    if (ackPts.length) p.g.appendChild(el('polyline', { class: 'ts-ack', points: ackPts.join(' ') }));
    // SACK blocks.
    var sackMarks = [];
    acks.forEach(function (a) { if (a.sack) for (var b = 0; b + 1 < a.sack.length; b += 2) sackMarks.push({ t: a.t, lo: a.sack[b], hi: a.sack[b + 1], frame: a.frame }); });
    bars(p, sackMarks, 'ts-sack', null);
    // Segments: plain ones, then the marked ones over them.
    var plain = [], marked = [];
    data.forEach(function (s) {
      var f = flags[s.frame];
      var kind = hasAny(f, ['zero_window_probe']) ? 'zwp' : hasAny(f, RESENT) ? 'resent' : '';
      var m = { t: s.t, lo: s.relSeq, hi: s.relSeq + seqLen(s), frame: s.frame };
      if (kind) { m.kind = kind; marked.push(m); } else plain.push(m);
    });
    bars(p, plain, 'ts-seg', null);
    bars(p, marked, 'ts-seg', function (m) { return m.kind; });
    // Zero windows the peer advertised, on the ACK line.
    acks.forEach(function (a) {
      if (hasAny(flags[a.frame], ['zero_window'])) p.g.appendChild(el('circle', { class: 'ts-zero-window', cx: p.x(a.t), cy: p.y(a.relAck), r: 4, 'data-frame': a.frame }));
    });
    legend(p.svg, [['ts-seg', 'data'], ['ts-seg resent', 'retransmission'], ['ts-seg zwp', 'zero-window probe'], ['ts-ack', 'ACK'], ['ts-window', 'window edge' + (edgeCut ? ' (cut)' : '')], ['ts-sack', 'SACK'], ['ts-zero-window', 'zero window']]);
    return p.svg;
  }

  /** Appends a step line's points (decimated to ≤ 4 a pixel column). */
  function stepLine(list, p, value, out) {
    var decimate = list.length > 2 * p.pw;
    var prev = null, col = -1, lo = 0, hi = 0, last = 0, x = 0;
    function flush() {
      if (col < 0) return;
      out.push(x.toFixed(1) + ',' + p.y(lo).toFixed(1), x.toFixed(1) + ',' + p.y(hi).toFixed(1), x.toFixed(1) + ',' + p.y(last).toFixed(1));
    }
    for (var i = 0; i < list.length; i++) {
      var v = value(list[i]), t = list[i].t;
      if (!decimate) {
        var px = p.x(t).toFixed(1);
        if (prev !== null) out.push(px + ',' + p.y(prev).toFixed(1));
        out.push(px + ',' + p.y(v).toFixed(1));
        prev = v;
        continue;
      }
      var c = p.col(t);
      if (c !== col) {
        flush();
        if (col >= 0) out.push(p.x(t).toFixed(1) + ',' + p.y(last).toFixed(1));
        col = c; lo = hi = v; x = p.x(t);
      }
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      last = v;
    }
    if (decimate) flush();
  }

  /**
   * Vertical bars {t, lo, hi, frame}: one <line> each with data-frame, data-seq (lo) and
   * data-end (hi); above 2 per pixel column on average, one per column and kind, from the
   * lowest lo to the highest hi, with data-frames (how many) and data-first-frame.
   */
  function bars(p, list, cls, kindOf) {
    if (list.length === 0) return;
    var g = el('g', {});
    if (list.length <= 2 * p.pw) {
      list.forEach(function (m) {
        var x = p.x(m.t);
        var k = kindOf ? kindOf(m) : '';
        g.appendChild(el('line', { class: cls + (k ? ' ' + k : ''), x1: x, y1: p.y(m.lo), x2: x, y2: p.y(m.hi), 'data-frame': m.frame, 'data-seq': m.lo, 'data-end': m.hi }));
        // A marked segment (a retransmission, a probe of one byte) stays visible on any scale.
        if (k) g.appendChild(el('path', { class: 'ts-mark ' + k, d: 'M' + x.toFixed(1) + ' ' + (p.y(m.hi) - 6).toFixed(1) + 'l4 6l-4 6l-4 -6z' }));
      });
      // tcptrace's arrow heads, as short ticks at each end (not for SACK blocks).
      if (cls === 'ts-seg' && list.length <= p.pw / 2) {
        var d = '';
        list.forEach(function (m) { var x = p.x(m.t); d += 'M' + (x - 2).toFixed(1) + ' ' + p.y(m.hi).toFixed(1) + 'h4M' + (x - 2).toFixed(1) + ' ' + p.y(m.lo).toFixed(1) + 'h4'; });
        g.appendChild(el('path', { class: 'ts-tick', d: d }));
      }
    } else {
      var cols = {};
      list.forEach(function (m) {
        var k = kindOf ? kindOf(m) : '';
        var key = p.col(m.t) + '/' + k;
        var b = cols[key];
        if (!b) cols[key] = { t: m.t, lo: m.lo, hi: m.hi, n: 1, first: m.frame, k: k };
        else { if (m.lo < b.lo) b.lo = m.lo; if (m.hi > b.hi) b.hi = m.hi; b.n++; }
      });
      Object.keys(cols).forEach(function (key) {
        var b = cols[key], x = p.x(b.t);
        g.appendChild(el('line', { class: cls + ' bucket' + (b.k ? ' ' + b.k : ''), x1: x, y1: p.y(b.lo), x2: x, y2: p.y(b.hi), 'data-frames': b.n, 'data-first-frame': b.first, 'data-seq': b.lo, 'data-end': b.hi }));
        if (b.k) g.appendChild(el('path', { class: 'ts-mark ' + b.k, d: 'M' + x.toFixed(1) + ' ' + (p.y(b.hi) - 6).toFixed(1) + 'l4 6l-4 6l-4 -6z' }));
      });
    }
    p.g.appendChild(g);
  }

  /** RTT samples of the data `dir` sends, against the time of the ACK that gave each. */
  function rttGraph(conn, segments, dir, range) {
    var x0 = range ? range.t0 : 0, t1 = range ? range.t1 : lastT(segments), max = 0;
    var all = rttSamples(segments).filter(function (r) { return r.from === dir && r.t >= x0 && r.t <= t1; });
    all.forEach(function (r) { if (r.rtt > max) max = r.rtt; });
    var u = timeUnit(max || 1e-3), ta = timeAxis(t1);
    var p = plot('rtt', {
      x0: x0, x1: t1 + (t1 - x0) * 0.01, y0: 0, y1: (max || 1e-3) * 1.08,
      xLabel: ta.xLabel, xTick: ta.xTick,
      yLabel: 'RTT (' + u.name + ')', yTick: function (v) { return si(v * u.f); },
      title: 'RTT of ' + dir + ' → ' + (dir === 'client' ? 'server' : 'client') + ' data, from the ACKs (tcp.analysis.ack_rtt; ' + plural(all.length, 'sample') + ')'
    });
    p.svg.setAttribute('data-direction', dir);
    p.svg.setAttribute('data-samples', all.length);
    var g = el('g', {});
    var pick = all;
    if (all.length > 2 * p.pw) {
      // Per pixel column, the lowest and the highest sample.
      var cols = {};
      all.forEach(function (r) {
        var c = p.col(r.t), b = cols[c];
        if (!b) cols[c] = { lo: r, hi: r };
        else { if (r.rtt < b.lo.rtt) b.lo = r; if (r.rtt > b.hi.rtt) b.hi = r; }
      });
      pick = [];
      Object.keys(cols).forEach(function (c) { pick.push(cols[c].lo); if (cols[c].hi !== cols[c].lo) pick.push(cols[c].hi); });
    }
    pick.forEach(function (r) {
      var c = el('circle', { class: 'rtt-pt', cx: p.x(r.t), cy: p.y(r.rtt), r: 2.5, 'data-frame': r.frame, 'data-acks': r.acks, 'data-rtt': r.rtt });
      c.appendChild(el('title', {}, 'frame ' + r.frame + ' acknowledges frame ' + r.acks + ' after ' + humanSeconds(r.rtt)));
      g.appendChild(c);
    });
    p.g.appendChild(g);
    if (all.length === 0) p.svg.appendChild(el('text', { x: LEFT + 12, y: TOP + 20, class: 'muted' }, 'no ACK acknowledged a segment\'s end exactly: no sample'));
    return p.svg;
  }

  /** Payload bytes per time bin, both directions, as bit/s. */
  function throughput(conn, segments, range) {
    var x0 = range ? range.t0 : 0, t1 = range ? range.t1 : lastT(segments);
    var n = Math.max(1, Math.min(150, Math.floor((W - LEFT - RIGHT) / 6)));
    if (t1 - x0 <= 0) n = 1;
    var span = t1 - x0 > 0 ? t1 - x0 : 1e-3, width = span / n;
    var sums = { client: [], server: [] };
    for (var i = 0; i < n; i++) { sums.client.push(0); sums.server.push(0); }
    segments.forEach(function (s) { if (s.t >= x0 && s.t <= x0 + span) sums[s.from][Math.min(n - 1, Math.floor((s.t - x0) / width))] += s.len; });
    var max = 0;
    ['client', 'server'].forEach(function (d) { sums[d].forEach(function (b) { var r = (b * 8) / width; if (r > max) max = r; }); });
    var u = rateUnit(max), ta = timeAxis(span);
    var p = plot('throughput', {
      x0: x0, x1: x0 + span, y0: 0, y1: (max || 1) * 1.08,
      xLabel: ta.xLabel, xTick: ta.xTick,
      yLabel: 'throughput (' + u.name + ')', yTick: function (v) { return si(v * u.f); },
      title: 'Throughput: payload bytes per ' + humanSeconds(width) + ', as bits per second'
    });
    p.svg.setAttribute('data-bin-seconds', width);
    ['client', 'server'].forEach(function (d) {
      var pts = [];
      sums[d].forEach(function (b, k) {
        var r = (b * 8) / width;
        pts.push(p.x(x0 + k * width).toFixed(1) + ',' + p.y(r).toFixed(1), p.x(x0 + (k + 1) * width).toFixed(1) + ',' + p.y(r).toFixed(1));
      });
      p.g.appendChild(el('polyline', { class: 'tp-line ' + d, points: pts.join(' '), 'data-direction': d, 'data-bytes': sums[d].join(',') }));
    });
    legend(p.svg, [['tp-line client', 'client → server'], ['tp-line server', 'server → client']]);
    return p.svg;
  }

  /**
   * The three graphs of one connection into `host`, with a direction switch for the
   * time-sequence and RTT graphs (first shown: the direction that sent more bytes), and a time
   * range chosen by dragging across any of them (all three follow; "whole connection" resets).
   */
  function drawConnectionGraphs(host, conn, segments) {
    while (host.firstChild) host.removeChild(host.firstChild);
    segments = segments || [];
    if (segments.length === 0) {
      host.appendChild(note('No segments of this connection are embedded: no graphs.'));
      return;
    }
    var dir = conn.bytes && conn.bytes.server > conn.bytes.client ? 'server' : 'client';
    var range = null;
    var total = conn.packets ? conn.packets.client + conn.packets.server : segments.length;
    if (total > segments.length) host.appendChild(note('The graphs show the first ' + segments.length + ' of the connection\'s ' + total + ' segments (the rest are not embedded).'));
    var bar = document.createElement('div');
    bar.className = 'graph-toolbar';
    bar.appendChild(document.createTextNode('direction: '));
    var buttons = {};
    ['client', 'server'].forEach(function (d) {
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = d + ' → ' + (d === 'client' ? 'server' : 'client');
      b.setAttribute('data-direction', d);
      b.addEventListener('click', function () { dir = d; draw(); });
      buttons[d] = b;
      bar.appendChild(b);
    });
    var reset = document.createElement('button');
    reset.type = 'button';
    reset.textContent = 'whole connection';
    reset.setAttribute('data-zoom', 'reset');
    reset.addEventListener('click', function () { range = null; draw(); });
    bar.appendChild(reset);
    var hint = document.createElement('span');
    hint.className = 'muted';
    bar.appendChild(hint);
    host.appendChild(bar);
    var seqBox = document.createElement('div'), rttBox = document.createElement('div'), tpBox = document.createElement('div');
    [seqBox, rttBox, tpBox].forEach(function (b) { b.className = 'graph-box'; host.appendChild(b); });
    function draw() {
      ['client', 'server'].forEach(function (d) { buttons[d].classList.toggle('on', d === dir); buttons[d].setAttribute('aria-pressed', String(d === dir)); });
      reset.disabled = range === null;
      hint.textContent = range === null ? ' drag across a graph to zoom into a time range' : ' showing +' + humanSeconds(range.t0) + ' to +' + humanSeconds(range.t1);
      [seqBox, rttBox, tpBox].forEach(function (b) { while (b.firstChild) b.removeChild(b.firstChild); });
      seqBox.appendChild(brush(timeSequence(conn, segments, dir, range)));
      rttBox.appendChild(brush(rttGraph(conn, segments, dir, range)));
      tpBox.appendChild(brush(throughput(conn, segments, range)));
    }
    /** Drag across the plot to choose a time range. */
    function brush(svg) {
      var x0 = Number(svg.getAttribute('data-x0')), x1 = Number(svg.getAttribute('data-x1')), pw = Number(svg.getAttribute('data-plot-width'));
      var start = null, sel = null;
      function px(e) {
        var r = svg.getBoundingClientRect();
        return Math.max(LEFT, Math.min(LEFT + pw, ((e.clientX - r.left) * W) / r.width));
      }
      svg.addEventListener('mousedown', function (e) {
        start = px(e);
        sel = el('rect', { class: 'brush', x: start, y: TOP, width: 0, height: Number(svg.getAttribute('data-plot-height')) });
        svg.appendChild(sel);
        e.preventDefault();
      });
      svg.addEventListener('mousemove', function (e) {
        if (start === null) return;
        var x = px(e);
        sel.setAttribute('x', Math.min(x, start));
        sel.setAttribute('width', Math.abs(x - start));
      });
      function end(e) {
        if (start === null) return;
        var a = Math.min(start, px(e)), b = Math.max(start, px(e));
        start = null;
        if (sel && sel.parentNode) sel.parentNode.removeChild(sel);
        if (b - a < 4) return;
        var t = function (v) { return x0 + ((v - LEFT) / pw) * (x1 - x0); };
        range = { t0: t(a), t1: t(b) };
        draw();
      }
      svg.addEventListener('mouseup', end);
      svg.addEventListener('mouseleave', function (e) { if (start !== null) end(e); });
      return svg;
    }
    draw();
  }

  // ---- per capture ---------------------------------------------------------

  /**
   * Bars over time: series [{name, values, cls}] over buckets of `width` seconds from 0.
   * kind: the data-graph value.
   */
  function timeBars(kind, title, width, series, yLabel) {
    var n = series[0].values.length, max = 1;
    series.forEach(function (s) { s.values.forEach(function (v) { if (v > max) max = v; }); });
    var span = n * width, ta = timeAxis(span);
    var p = plot(kind, {
      x0: 0, x1: span, y0: 0, y1: max * 1.08, height: 220,
      xLabel: ta.xLabel.replace('the connection\'s first packet', 'the first connection\'s start'), xTick: ta.xTick,
      yLabel: yLabel, yTick: function (v) { return Number.isInteger(v) ? String(v) : ''; },
      title: title
    });
    var bw = p.pw / n;
    series.forEach(function (s, si2) {
      s.values.forEach(function (v, i) {
        if (v === 0) return;
        var r = el('rect', { class: 'bar ' + s.cls, x: p.x(i * width) + si2 * (bw / series.length), y: p.y(v), width: Math.max(1, bw / series.length - 1), height: p.y(0) - p.y(v), 'data-count': v, 'data-bin': i });
        r.appendChild(el('title', {}, s.name + ': ' + v + ' from +' + humanSeconds(i * width) + ' to +' + humanSeconds((i + 1) * width)));
        p.g.appendChild(r);
      });
    });
    legend(p.svg, series.map(function (s) { return ['bar ' + s.cls, s.name]; }));
    return p.svg;
  }

  /** A histogram over logarithmic bins {edges, counts, n} (report/capture-charts.ts). */
  function logHistogram(kind, title, bins, xLabel) {
    var n = bins.counts.length, max = 1;
    bins.counts.forEach(function (v) { if (v > max) max = v; });
    var p = plot(kind, {
      x0: 0, x1: n, y0: 0, y1: max * 1.08, height: 220, xTicks: false,
      xLabel: xLabel, xTick: String,
      yLabel: 'connections', yTick: function (v) { return Number.isInteger(v) ? String(v) : ''; },
      title: title + ' (' + plural(bins.n, 'connection') + ')'
    });
    p.svg.setAttribute('data-count', bins.n);
    var bw = p.pw / n, every = Math.max(1, Math.ceil(n / 14));
    bins.counts.forEach(function (v, i) {
      var x = p.x(i);
      if (v > 0) {
        var r = el('rect', { class: 'bar hist', x: x + 1, y: p.y(v), width: Math.max(1, bw - 2), height: p.y(0) - p.y(v), 'data-count': v, 'data-lo': bins.edges[i], 'data-hi': bins.edges[i + 1] });
        r.appendChild(el('title', {}, v + ' connection' + (v === 1 ? '' : 's') + ' from ' + humanSeconds(bins.edges[i]) + ' to ' + humanSeconds(bins.edges[i + 1])));
        p.g.appendChild(r);
        p.g.appendChild(el('text', { class: 'bar-label', x: x + bw / 2, y: p.y(v) - 3, 'text-anchor': 'middle' }, String(v)));
      }
    });
    for (var i = 0; i <= n; i += every) p.svg.appendChild(el('text', { x: p.x(i), y: TOP + p.ph + 14, 'text-anchor': 'middle' }, humanSeconds(bins.edges[i])));
    return p.svg;
  }

  /**
   * The capture's charts into the elements given (any may be null): charts is
   * report/capture-charts.ts's CaptureCharts.
   */
  function drawCaptureCharts(hosts, charts) {
    if (hosts.starts && charts.starts) {
      hosts.starts.appendChild(timeBars('starts', 'Connection starts over time (' + humanSeconds(charts.starts.width) + ' a bar)', charts.starts.width, [{ name: 'connection starts', values: charts.starts.counts, cls: 'starts' }], 'connections started'));
    }
    if (hosts.handshakeRtt) {
      if (charts.handshakeRtt.n === 0) hosts.handshakeRtt.appendChild(note('No connection completed a handshake in the capture: no handshake RTT.'));
      else hosts.handshakeRtt.appendChild(logHistogram('handshake-rtt', 'Handshake RTT (tcp.analysis.initial_rtt: SYN to the ACK of the SYN,ACK)', charts.handshakeRtt, 'handshake RTT (seconds, logarithmic bins)'));
    }
    if (hosts.durations && charts.durations.n > 0) {
      hosts.durations.appendChild(logHistogram('durations', 'Connection durations (first to last packet)', charts.durations, 'duration (seconds, logarithmic bins)'));
    }
  }

  function note(text) {
    var p = document.createElement('p');
    p.className = 'muted';
    p.textContent = text;
    return p;
  }

  global.tcplensGraphs = {
    drawConnectionGraphs: drawConnectionGraphs,
    drawCaptureCharts: drawCaptureCharts,
    timeSequence: timeSequence,
    rttGraph: rttGraph,
    throughput: throughput,
    timeBars: timeBars,
    rttSamples: rttSamples,
    humanSeconds: humanSeconds
  };
})(typeof window !== 'undefined' ? window : globalThis);
