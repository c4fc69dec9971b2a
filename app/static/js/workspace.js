/* The workspace: the files a person chose stay in this browser (IndexedDB), each with
 * the versions the tools made of it, so the next tool starts from the last result and
 * any step can be taken back. Nothing is kept on the server between requests.
 *
 * A document is { id, name, type, selected, openedId, from, used, versions: [...] };
 * a version is { key, name, step, size, pages, thumb } and its bytes are in the
 * "blobs" store under key. History is capped: ten versions a file and 2 GB in all,
 * the oldest versions going first (callers are told which).
 *
 * Every page says the scope files belong to and how long they are kept (meta tags,
 * app/views/workspace.py); files of another scope, or unused for longer, are
 * forgotten when a page loads. Changes are announced to this page ("sheaf:workspace"
 * on document) and to Sheaf's other tabs (BroadcastChannel). Exposed as Sheaf.workspace. */
(function () {
  "use strict";

  var MAX_VERSIONS = 10;
  var MAX_TOTAL = 2 * 1024 * 1024 * 1024;
  var meta = function (name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") : "";
  };
  var scope = meta("workspace-scope");
  var keepHours = parseFloat(meta("workspace-keep-hours")) || 0;
  var maxBytes = parseInt(meta("workspace-max-bytes"), 10) || 0;
  var channel = window.BroadcastChannel ? new BroadcastChannel("sheaf-workspace") : null;

  var done = function (req) {
    return new Promise(function (resolve, reject) {
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  };
  var opening = null;
  var db = function () {
    if (!opening) {
      var req = indexedDB.open("sheaf-workspace", 1);
      req.onupgradeneeded = function () {
        ["docs", "blobs", "meta"].forEach(function (name) {
          req.result.createObjectStore(name, { keyPath: name === "docs" ? "id" : "key" });
        });
      };
      opening = done(req);
    }
    return opening;
  };
  /* One transaction; work(stores) returns a value or a promise of one. */
  var run = function (mode, work) {
    return db().then(function (base) {
      var t = base.transaction(["docs", "blobs", "meta"], mode);
      var stores = { docs: t.objectStore("docs"), blobs: t.objectStore("blobs"), meta: t.objectStore("meta") };
      var result = work(stores);
      return new Promise(function (resolve, reject) {
        t.oncomplete = function () { Promise.resolve(result).then(resolve); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error || new Error("aborted")); };
      });
    });
  };
  /* reason "result": a tool added what it made (its page keeps showing its input). */
  var changed = function (reason) {
    document.dispatchEvent(new CustomEvent("sheaf:workspace", { detail: { reason: reason || "" } }));
    if (channel) { channel.postMessage("changed"); }
  };
  if (channel) {
    channel.onmessage = function () { document.dispatchEvent(new CustomEvent("sheaf:workspace")); };
  }
  var newId = function () {
    return (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Math.random()).slice(2);
  };
  var current = function (doc) { return doc.versions[doc.versions.length - 1]; };
  var byOrder = function (a, b) { return a.order - b.order; };

  var list = function () {
    return run("readonly", function (s) { return done(s.docs.getAll()); })
      .then(function (docs) { return docs.sort(byOrder); });
  };

  /* Drop old versions (never a file's current one) until the caps hold. */
  var prune = function (s, docs) {
    var dropped = [];
    var total = 0;
    docs.forEach(function (doc) {
      while (doc.versions.length > MAX_VERSIONS) {
        var old = doc.versions.shift();
        s.blobs.delete(old.key);
        dropped.push(old.name);
      }
      doc.versions.forEach(function (v) { total += v.size; });
    });
    var oldest = function () {
      var pick = null;
      docs.forEach(function (doc) {
        if (doc.versions.length > 1 && (!pick || doc.versions[0].made < pick.versions[0].made)) { pick = doc; }
      });
      return pick;
    };
    var doc;
    while (total > MAX_TOTAL && (doc = oldest())) {
      var gone = doc.versions.shift();
      s.blobs.delete(gone.key);
      total -= gone.size;
      dropped.push(gone.name);
    }
    docs.forEach(function (d) { s.docs.put(d); });
    return dropped;
  };

  var version = function (s, blob, name, step) {
    var key = newId();
    s.blobs.put({ key: key, blob: blob });
    return { key: key, name: name, step: step || "", size: blob.size, pages: null, thumb: null, made: Date.now() };
  };

  var tooBig = function (blob) { return maxBytes && blob.size > maxBytes; };

  /* Files chosen or dropped: added (or, for a file opened with Sheaf already here, found)
   * and selected; replace: unselect the others first. Resolves to the documents. */
  var choose = function (files, replace) {
    files = Array.prototype.slice.call(files);
    var refused = files.filter(tooBig);
    files = files.filter(function (f) { return !tooBig(f); });
    return run("readwrite", function (s) {
      return done(s.docs.getAll()).then(function (docs) {
        var chosen = [];
        var order = Date.now();
        if (replace) { docs.forEach(function (d) { d.selected = false; }); }
        files.forEach(function (file, i) {
          var same = file.openedId && docs.filter(function (d) { return d.openedId === file.openedId; })[0];
          if (same) { same.selected = true; same.used = Date.now(); chosen.push(same); return; }
          var doc = {
            id: newId(), name: file.name, type: file.type || "", selected: true, order: order + i,
            openedId: file.openedId || null, from: null, used: Date.now(),
            versions: [version(s, file, file.name, "")],
          };
          docs.push(doc);
          chosen.push(doc);
        });
        docs.forEach(function (d) { s.docs.put(d); });
        return chosen;
      });
    }).then(function (chosen) {
      changed();
      return { docs: chosen, refused: refused };
    });
  };

  /* A tool's result: the next version of doc, or (from: several ids) a new document.
   * replace ({id, key}): the result the same tool made a moment ago from the same
   * input, run again with other options: it is replaced, not built upon. */
  var addResult = function (blob, name, step, doc, from, replace) {
    return run("readwrite", function (s) {
      return done(s.docs.getAll()).then(function (docs) {
        var old = replace && docs.filter(function (d) { return d.id === replace.id; })[0];
        if (old && current(old).key === replace.key) {
          if (old.versions.length > 1) {
            s.blobs.delete(old.versions.pop().key);
          } else {
            s.blobs.delete(old.versions[0].key);
            s.docs.delete(old.id);
            docs = docs.filter(function (d) { return d !== old; });
          }
        }
        var target = doc && docs.filter(function (d) { return d.id === doc.id; })[0];
        if (target) {
          target.versions.push(version(s, blob, name, step));
          target.selected = true;
          target.used = Date.now();
        } else {
          docs.forEach(function (d) { if (from && from.indexOf(d.id) >= 0) { d.selected = false; } });
          target = {
            id: newId(), name: name, type: blob.type || "application/pdf", selected: true,
            order: Date.now(), openedId: null, from: from || null, used: Date.now(),
            versions: [version(s, blob, name, step)],
          };
          docs.push(target);
        }
        var dropped = prune(s, docs);
        return { doc: target, dropped: dropped };
      });
    }).then(function (out) { changed("result"); return out; });
  };

  var edit = function (id, change) {
    return run("readwrite", function (s) {
      return done(s.docs.get(id)).then(function (doc) {
        if (!doc) { return null; }
        var out = change(doc, s);
        if (out !== "removed") { s.docs.put(doc); }
        return doc;
      });
    }).then(function (doc) { changed(); return doc; });
  };

  /* Back one step: the last version goes; a result made from other files goes itself,
   * and those files are selected again. */
  var undo = function (id) {
    var restore = null;
    return edit(id, function (doc, s) {
      if (doc.versions.length > 1) {
        s.blobs.delete(doc.versions.pop().key);
        return "kept";
      }
      restore = doc.from;
      s.blobs.delete(doc.versions[0].key);
      s.docs.delete(doc.id);
      return "removed";
    }).then(function (doc) {
      if (!restore || !restore.length) { return doc; }
      return select(restore, false).then(function () { return doc; });
    });
  };

  var remove = function (id) {
    return edit(id, function (doc, s) {
      doc.versions.forEach(function (v) { s.blobs.delete(v.key); });
      s.docs.delete(doc.id);
      return "removed";
    });
  };

  var select = function (ids, only) {
    return run("readwrite", function (s) {
      return done(s.docs.getAll()).then(function (docs) {
        docs.forEach(function (d) {
          var on = ids.indexOf(d.id) >= 0;
          if (on || only) { d.selected = on; s.docs.put(d); }
        });
      });
    }).then(changed);
  };
  var setSelected = function (id, on) {
    return edit(id, function (doc) { doc.selected = on; });
  };

  /* What is known of the current version (pages, first-page picture), once asked. */
  var describe = function (id, key, facts) {
    return run("readwrite", function (s) {
      return done(s.docs.get(id)).then(function (doc) {
        var v = doc && doc.versions.filter(function (x) { return x.key === key; })[0];
        if (!v) { return; }
        if (facts.pages) { v.pages = facts.pages; }
        if (facts.thumb) { v.thumb = facts.thumb; }
        s.docs.put(doc);
      });
    }).then(function () { changed("describe"); });
  };

  /* The current version of doc as a File (its name says what happened to it). */
  var file = function (doc) {
    var v = current(doc);
    return run("readonly", function (s) { return done(s.blobs.get(v.key)); }).then(function (entry) {
      var made = new File([entry.blob], v.name, { type: entry.blob.type || doc.type });
      if (doc.openedId) { made.openedId = doc.openedId; }
      made.workspaceId = doc.id;
      made.versionKey = v.key;
      if (v.thumb) { made.shown = { image: v.thumb, pages: v.pages }; }  // known: not asked again
      return made;
    });
  };

  var forgetAll = function () {
    return run("readwrite", function (s) {
      s.docs.clear();
      s.blobs.clear();
    }).then(changed);
  };

  /* Files of another scope, or left unused longer than the page says, are forgotten. */
  var ready = run("readwrite", function (s) {
    return done(s.meta.get("scope")).then(function (entry) {
      var stale = entry && (entry.value !== scope ||
        (keepHours && Date.now() - entry.used > keepHours * 3600 * 1000));
      if (stale) { s.docs.clear(); s.blobs.clear(); }
      s.meta.put({ key: "scope", value: scope, used: Date.now() });
      return stale;
    });
  }).catch(function () { return false; /* storage refused (private mode): tools still work */ });

  var history = function (doc) {
    var steps = doc.versions.map(function (v) { return v.step; }).filter(Boolean);
    return steps;
  };

  /* Everything waits for the scope check, so nothing reads files about to be forgotten. */
  var after = function (f) {
    return function () {
      var args = arguments;
      return ready.then(function () { return f.apply(null, args); });
    };
  };
  window.Sheaf = window.Sheaf || {};
  window.Sheaf.workspace = {
    ready: ready, list: after(list), addResult: after(addResult),
    /* A FileList empties when its input is reset: copied before waiting. */
    choose: function (files, replace) {
      var copied = Array.prototype.slice.call(files);
      return ready.then(function () { return choose(copied, replace); });
    },
    undo: after(undo), remove: after(remove), select: after(select),
    setSelected: after(setSelected), describe: after(describe), file: after(file),
    forgetAll: after(forgetAll), current: current, history: history, maxBytes: maxBytes,
    keepHours: keepHours,
  };
})();
