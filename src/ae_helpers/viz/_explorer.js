// The latent explorer's page side (ae_helpers.viz.latent_explorer): no network, no library.
// Inflates the decoders' weights (exported by ae_helpers/viz/_export.py), runs their Dense layers
// on the point under the pointer and draws the digit. One copy per explorer output; the last wins.
var AEExplorer = (function () {
  'use strict';

  function bytesOf(b64) {
    var s = atob(b64), out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  var B85 = '', B85_VALUE = new Int16Array(128);  // the alphabet of ae_helpers.viz._export.b85
  for (var c = 33; c < 127; c++) if ('"\'\\<>&'.indexOf(String.fromCharCode(c)) < 0) B85 += String.fromCharCode(c);
  B85 = B85.slice(0, 85);
  for (var k = 0; k < 85; k++) B85_VALUE[B85.charCodeAt(k)] = k;
  function bytesOf85(s, n) {  // 5 characters -> 4 bytes, big-endian; n: the length before padding
    var out = new Uint8Array(s.length / 5 * 4);
    for (var i = 0, o = 0; i < s.length; i += 5) {
      var v = 0;
      for (var d = 0; d < 5; d++) v = v * 85 + B85_VALUE[s.charCodeAt(i + d)];
      out[o++] = v >>> 24; out[o++] = (v >>> 16) & 255; out[o++] = (v >>> 8) & 255; out[o++] = v & 255;
    }
    return out.subarray(0, n);
  }
  function floats(b64) { return new Float32Array(bytesOf(b64).buffer); }

  async function inflate(bytes) {  // zlib data, with the browser's own DecompressionStream
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  async function loadModel(spec) {
    var raw = await inflate(bytesOf85(spec.weights, spec.weights_bytes));
    var offset = 0, layers = spec.layers.map(function (l) {
      var n = l.n_in * l.n_out, q;
      if (l.bits === 8) {
        q = new Int8Array(raw.buffer, raw.byteOffset + offset, n); offset += n;
      } else {  // 16-bit: all low bytes, then all high bytes
        q = new Int16Array(n);
        for (var i = 0; i < n; i++) q[i] = (raw[offset + n + i] << 8 | raw[offset + i]) << 16 >> 16;
        offset += 2 * n;
      }
      return {nIn: l.n_in, nOut: l.n_out, act: l.act, q: q, scale: floats(l.scale), bias: floats(l.bias)};
    });
    if (offset !== raw.length) throw new Error('explorer: weight count does not match the layers');
    return {layers: layers, nClasses: spec.n_classes, shape: spec.shape};
  }

  function act(name, x) {
    switch (name) {
      case 'linear': return x;
      case 'relu': return x > 0 ? x : 0;
      case 'sigmoid': return 1 / (1 + Math.exp(-x));
      case 'tanh': return Math.tanh(x);
      case 'softplus': return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
      case 'softsign': return x / (1 + Math.abs(x));
      case 'elu': return x > 0 ? x : Math.expm1(x);
      case 'selu': return 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * Math.expm1(x));
      case 'silu': return x / (1 + Math.exp(-x));
      case 'leaky_relu': return x > 0 ? x : 0.2 * x;
      case 'relu6': return Math.min(Math.max(x, 0), 6);
      case 'exponential': return Math.exp(x);
    }
    throw new Error('explorer: unknown activation ' + name);
  }

  // The decoder at one point: z (2 numbers) and, for a conditional decoder, the digit. Pixels in [0, 1].
  function forward(model, z, label) {
    var h = Array.from(z);
    for (var c = 0; c < model.nClasses; c++) h.push(c === label ? 1 : 0);
    for (var k = 0; k < model.layers.length; k++) {
      var L = model.layers[k], out = new Float64Array(L.nOut);
      for (var i = 0; i < L.nIn; i++) {
        var hi = h[i];
        if (hi === 0) continue;
        var row = i * L.nOut;
        for (var j = 0; j < L.nOut; j++) out[j] += hi * L.q[row + j];
      }
      for (var j2 = 0; j2 < L.nOut; j2++) out[j2] = act(L.act, out[j2] * L.scale[j2] + L.bias[j2]);
      h = out;
    }
    for (var p = 0; p < h.length; p++) h[p] = Math.min(1, Math.max(0, h[p]));
    return h;
  }

  function fmt(x) { return (Math.abs(x) < 0.005 ? 0 : x).toFixed(2); }

  function mountPanel(root, el, panel) {
    var map = el.querySelector('.aex-map'), digit = el.querySelector('.aex-digit');
    var status = el.querySelector('.aex-status'), buttons = el.querySelectorAll('.aex-label');
    var box = panel.box, M = {l: 38, r: 8, t: 8, b: 30};  // the plot's margins, CSS px
    var state = {z: panel.start.slice(), label: panel.label, model: null};
    var step = (box[1] - box[0]) / 50;
    map.dataset.box = box.join(',');  // the map's range, for tests and tools

    function plotSize() {
      var r = map.getBoundingClientRect();
      return {w: r.width - M.l - M.r, h: r.height - M.t - M.b, rect: r};
    }
    function toPx(z, s) {
      return [M.l + (z[0] - box[0]) / (box[1] - box[0]) * s.w, M.t + (box[3] - z[1]) / (box[3] - box[2]) * s.h];
    }
    function colour(name) { return getComputedStyle(root).getPropertyValue(name).trim() || '#000'; }

    function drawMap() {
      var ratio = window.devicePixelRatio || 1, r = map.getBoundingClientRect();
      if (!r.width) return;
      map.width = Math.round(r.width * ratio); map.height = Math.round(r.height * ratio);
      var g = map.getContext('2d'), s = plotSize();
      g.setTransform(ratio, 0, 0, ratio, 0, 0);
      g.fillStyle = colour('--aex-bg'); g.fillRect(0, 0, r.width, r.height);
      var codes = bytesOf(panel.codes), labels = panel.labels ? bytesOf(panel.labels) : null;
      g.globalAlpha = 0.75;
      for (var i = 0; i < codes.length; i += 2) {
        var p = [M.l + codes[i] / 255 * s.w, M.t + (1 - codes[i + 1] / 255) * s.h];  // 1/255ths
        g.fillStyle = labels ? panel.palette[labels[i / 2] % panel.palette.length] : colour('--aex-muted');
        g.fillRect(p[0] - 1.5, p[1] - 1.5, 3, 3);
      }
      g.globalAlpha = 1;
      var fg = colour('--aex-fg');
      g.strokeStyle = fg; g.lineWidth = 1; g.strokeRect(M.l, M.t, s.w, s.h);
      g.fillStyle = fg; g.font = '11px sans-serif'; g.textAlign = 'center'; g.textBaseline = 'top';
      [0, 1].forEach(function (t) {  // the range at the ends; the axis names in the middle
        var x = box[0] + t * (box[1] - box[0]), y = box[2] + t * (box[3] - box[2]);
        g.fillText(x.toFixed(1), M.l + t * s.w, M.t + s.h + 3);
        g.textAlign = 'right'; g.textBaseline = 'middle';
        g.fillText(y.toFixed(1), M.l - 3, M.t + (1 - t) * s.h);
        g.textAlign = 'center'; g.textBaseline = 'top';
      });
      g.fillText('z\u2081', M.l + s.w / 2, M.t + s.h + 16);
      g.save(); g.translate(9, M.t + s.h / 2); g.rotate(-Math.PI / 2); g.textBaseline = 'middle';
      g.fillText('z\u2082', 0, 0); g.restore();
      var q = toPx(state.z, s);  // the pointer: a ring dark and light, seen on any background
      g.beginPath(); g.arc(q[0], q[1], 7, 0, 2 * Math.PI);
      g.lineWidth = 4; g.strokeStyle = '#000'; g.stroke();
      g.lineWidth = 2; g.strokeStyle = '#fff'; g.stroke();
    }

    function decode() {
      if (!state.model) return;
      var px = forward(state.model, state.z, state.label), shape = state.model.shape;
      var g = digit.getContext('2d'), img = g.createImageData(shape[1], shape[0]);
      for (var i = 0; i < px.length; i++) {  // dark ink on white paper, as in the book's figures
        var v = Math.round(255 * (1 - px[i]));
        img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = v; img.data[4 * i + 3] = 255;
      }
      g.putImageData(img, 0, 0);
      digit.dataset.z1 = String(state.z[0]); digit.dataset.z2 = String(state.z[1]);
      digit.dataset.decodes = String(Number(digit.dataset.decodes || 0) + 1);
      var what = state.label === null ? 'decoded digit shown' : 'decoded ' + state.label + ' shown';
      var text = panel.name + ': z = (' + fmt(state.z[0]) + ', ' + fmt(state.z[1]) + '), ' + what;
      status.textContent = text;
      digit.setAttribute('aria-label', text);
    }

    function moveTo(z) {
      state.z = [Math.min(box[1], Math.max(box[0], z[0])), Math.min(box[3], Math.max(box[2], z[1]))];
      drawMap(); decode();
    }
    function fromEvent(e) {
      var s = plotSize();
      var x = (e.clientX - s.rect.left - M.l) / s.w, y = (e.clientY - s.rect.top - M.t) / s.h;
      moveTo([box[0] + x * (box[1] - box[0]), box[3] - y * (box[3] - box[2])]);
    }
    map.addEventListener('pointerdown', function (e) {
      if (map.setPointerCapture) map.setPointerCapture(e.pointerId);
      map.focus({preventScroll: true}); fromEvent(e); e.preventDefault();
    });
    map.addEventListener('pointermove', function (e) { if (e.buttons & 1) fromEvent(e); });
    map.addEventListener('keydown', function (e) {
      var d = e.shiftKey ? 5 * step : step, z = state.z.slice();
      if (e.key === 'ArrowLeft') z[0] -= d; else if (e.key === 'ArrowRight') z[0] += d;
      else if (e.key === 'ArrowUp') z[1] += d; else if (e.key === 'ArrowDown') z[1] -= d;
      else if (e.key === 'Home') z = panel.start.slice();
      else if (state.label !== null && /^[0-9]$/.test(e.key) && Number(e.key) < state.model.nClasses) {
        choose(Number(e.key)); e.preventDefault(); return;
      } else return;
      e.preventDefault(); moveTo(z);
    });
    function choose(label) {
      state.label = label;
      buttons.forEach(function (b) { b.setAttribute('aria-pressed', String(Number(b.dataset.label) === label)); });
      digit.dataset.label = String(label);
      decode();
    }
    buttons.forEach(function (b) {
      b.addEventListener('click', function () { choose(Number(b.dataset.label)); });
    });
    new MutationObserver(drawMap).observe(document.documentElement, {attributes: true, attributeFilter: ['data-theme']});
    window.addEventListener('resize', drawMap);
    drawMap();
    return loadModel(panel.model).then(function (model) {
      state.model = model;
      if (state.label !== null) digit.dataset.label = String(state.label);
      decode();
      digit.dataset.ready = '1';
    }).catch(function (err) {
      status.textContent = 'The explorer could not load its decoder: ' + err;
      throw err;
    });
  }

  function mount(rootId, data) {
    var root = document.getElementById(rootId);
    var panels = root.querySelectorAll('.aex-panel');
    return Promise.all(data.panels.map(function (p, i) { return mountPanel(root, panels[i], p); }))
      .then(function () { root.dataset.ready = '1'; });
  }

  return {loadModel: loadModel, forward: forward, mount: mount};
})();
