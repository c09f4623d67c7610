/*
 * Keyboard navigation, shared by the static report and the web viewer: j/k (and the arrow
 * keys) move through the segments of the open ladder (ladder.js keeps its state on #ladder),
 * n/p through connections, Enter opens, ? shows the keys. The page says what n, p and Enter
 * do (tcplensKeys.install). Keys typed into a form field are left alone.
 */
(function (global) {
  'use strict';
  var KEYS = [
    ['j  ↓', 'next segment of the open ladder'],
    ['k  ↑', 'previous segment'],
    ['n', 'next connection'],
    ['p', 'previous connection'],
    ['Enter', 'open the connection chosen with n/p; on a folded run, expand it'],
    ['?', 'show or hide these keys'],
    ['Esc', 'hide them']
  ];

  function help() {
    var box = document.getElementById('keys-help');
    if (box) return box;
    box = document.createElement('div');
    box.id = 'keys-help';
    box.hidden = true;
    box.setAttribute('role', 'dialog');
    box.setAttribute('aria-label', 'keyboard shortcuts');
    var h = document.createElement('b');
    h.textContent = 'Keys';
    box.appendChild(h);
    var dl = document.createElement('dl');
    KEYS.forEach(function (k) {
      var dt = document.createElement('dt');
      k[0].split('  ').forEach(function (name, i) {
        if (i) dt.appendChild(document.createTextNode(' '));
        var kbd = document.createElement('kbd');
        kbd.textContent = name;
        dt.appendChild(kbd);
      });
      var dd = document.createElement('dd');
      dd.textContent = k[1];
      dl.appendChild(dt);
      dl.appendChild(dd);
    });
    box.appendChild(dl);
    document.body.appendChild(box);
    return box;
  }

  /** handlers: next(), prev(), open() (returns true when it opened something). */
  function install(handlers) {
    document.addEventListener('keydown', function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      var t = e.target;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' || t.isContentEditable)) return;
      // Enter on a focused button or link is that control's own.
      if (e.key === 'Enter' && t && (t.tagName === 'BUTTON' || t.tagName === 'A')) return;
      var ladder = document.getElementById('ladder');
      var st = ladder && ladder.tcplensLadderState;
      var done = true;
      switch (e.key) {
        case 'j': case 'ArrowDown':
          if (st && st.rows > 0) st.move(1); else done = false;
          break;
        case 'k': case 'ArrowUp':
          if (st && st.rows > 0) st.move(-1); else done = false;
          break;
        case 'n':
          if (handlers.next) handlers.next(); else done = false;
          break;
        case 'p':
          if (handlers.prev) handlers.prev(); else done = false;
          break;
        case 'Enter':
          if (!(handlers.open && handlers.open())) {
            if (st) st.open(); else done = false;
          }
          break;
        case '?':
          var box = help();
          box.hidden = !box.hidden;
          break;
        case 'Escape':
          help().hidden = true;
          break;
        default:
          done = false;
      }
      if (done) e.preventDefault();
    });
  }

  global.tcplensKeys = { install: install, keys: KEYS };
})(typeof window !== 'undefined' ? window : globalThis);
