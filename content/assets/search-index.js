/* zjtx-site: one search index for the served site and the site opened from disk.
 * mkdocs-material loads search/search_index.js (a script that sets __index)
 * when a page is opened from disk, and requests search/search_index.json when
 * it is served. zjtx build writes only the script; on a served site this shim
 * answers the theme's request for the JSON from it. Loaded before the theme
 * (as a polyfill); nothing else is touched. */
(function () {
  "use strict";
  if (location.protocol === "file:") return;          // the theme loads the script itself
  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  var INDEX = /\/search\/search_index\.json$/;

  XMLHttpRequest.prototype.open = function (method, url) {
    var target = new URL(String(url), document.baseURI);
    this.zjtxIndex = INDEX.test(target.pathname) ? target.href.replace(/\.json$/, ".js") : null;
    return open.apply(this, arguments);
  };

  XMLHttpRequest.prototype.send = function () {
    if (!this.zjtxIndex) return send.apply(this, arguments);
    var xhr = this;
    function answer(status, body) {
      Object.defineProperty(xhr, "readyState", { value: 4 });
      Object.defineProperty(xhr, "status", { value: status });
      Object.defineProperty(xhr, "statusText", { value: status === 200 ? "OK" : "Not Found" });
      Object.defineProperty(xhr, "response", { value: body });
      xhr.dispatchEvent(new Event(status === 200 ? "load" : "error"));
      xhr.dispatchEvent(new Event("loadend"));
    }
    var script = document.createElement("script");
    script.src = this.zjtxIndex;
    script.onload = function () {
      var text = JSON.stringify(window.__index);
      var body = xhr.responseType === "json" ? window.__index
        : xhr.responseType === "blob" ? new Blob([text], { type: "application/json" }) : text;
      answer(200, body);
    };
    script.onerror = function () { answer(404, null); };
    document.head.appendChild(script);
  };
})();
