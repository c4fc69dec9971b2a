/* A zip of results for "Download all": stored, not deflated (PDFs and pictures are
 * compressed already), built in the browser from files it already holds.
 * Sheaf.zip([{name, blob}]) resolves to a Blob. Names are UTF-8 (flag bit 11). */
(function () {
  "use strict";

  var table = null;
  var crc32 = function (bytes) {
    if (!table) {
      table = new Uint32Array(256);
      for (var n = 0; n < 256; n++) {
        var c = n;
        for (var k = 0; k < 8; k++) { c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; }
        table[n] = c >>> 0;
      }
    }
    var crc = 0xffffffff;
    for (var i = 0; i < bytes.length; i++) { crc = table[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8); }
    return (crc ^ 0xffffffff) >>> 0;
  };

  var header = function (size, fields) {
    var buf = new DataView(new ArrayBuffer(size));
    fields.forEach(function (f) {
      if (f[1] === 2) { buf.setUint16(f[0], f[2], true); } else { buf.setUint32(f[0], f[2], true); }
    });
    return new Uint8Array(buf.buffer);
  };

  /* Names made unique (a second "report.pdf" becomes "report (2).pdf"). */
  var unique = function (items) {
    var seen = {};
    return items.map(function (item) {
      var name = item.name;
      var n = 1;
      while (seen[name]) {
        n += 1;
        name = item.name.replace(/(\.[^.]*)?$/, " (" + n + ")$1");
      }
      seen[name] = true;
      return { name: name, blob: item.blob };
    });
  };

  window.Sheaf = window.Sheaf || {};
  window.Sheaf.zip = function (items) {
    var encoder = new TextEncoder();
    var parts = [];
    var central = [];
    var offset = 0;
    var step = function (i) {
      if (i === items.length) { return Promise.resolve(); }
      return items[i].blob.arrayBuffer().then(function (buffer) {
        var data = new Uint8Array(buffer);
        var name = encoder.encode(items[i].name);
        var crc = crc32(data);
        var local = header(30, [[0, 4, 0x04034b50], [4, 2, 20], [6, 2, 0x0800], [14, 4, crc],
          [18, 4, data.length], [22, 4, data.length], [26, 2, name.length]]);
        central.push(header(46, [[0, 4, 0x02014b50], [4, 2, 20], [6, 2, 20], [8, 2, 0x0800],
          [16, 4, crc], [20, 4, data.length], [24, 4, data.length], [28, 2, name.length],
          [42, 4, offset]]), name);
        parts.push(local, name, data);
        offset += local.length + name.length + data.length;
        return step(i + 1);
      });
    };
    items = unique(items);
    return step(0).then(function () {
      var size = 0;
      central.forEach(function (p) { size += p.length; });
      var end = header(22, [[0, 4, 0x06054b50], [8, 2, items.length], [10, 2, items.length],
        [12, 4, size], [16, 4, offset]]);
      return new Blob(parts.concat(central, [end]), { type: "application/zip" });
    });
  };
})();
