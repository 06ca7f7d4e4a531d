// biome-ignore-all lint: ES5 on purpose (see below): var, function expressions, an assignment chain
// biome-ignore-all format: the formatter would turn the function expressions into arrow functions
/**
 * The loader snippet (dist/snippet.min.js, pasted inline into a page's <head>): defines the global
 * `shopTracker` at once as a stub that records calls, and `shopTracker.load(src, options, integrity?)`,
 * which adds the <script> build asynchronously. When the script build runs, it creates the tracker
 * from `options`, replaces the stub and replays the recorded calls in order (src/iife.ts). ES5 on
 * purpose: it runs before anything else, in any browser the page supports.
 */
(function (w, d) {
  var stub = (w.shopTracker = w.shopTracker || []);
  // Pasted twice (a stub with load), or the script build already ran (a tracker): keep what is there.
  if (stub.load || !stub.push) return;
  var methods = ["track", "page", "screen", "identify", "alias", "group", "reset", "setConsent", "flush"];
  for (var i = 0; i < methods.length; i++) {
    (function (method) {
      stub[method] = function () {
        stub.push([method].concat([].slice.call(arguments)));
        return stub;
      };
    })(methods[i]);
  }
  stub.load = function (src, options, integrity) {
    stub.options = options;
    var script = d.createElement("script");
    script.async = true;
    script.src = src;
    if (integrity) {
      script.integrity = integrity;
      script.crossOrigin = "anonymous";
    }
    d.head.appendChild(script);
  };
})(window, document);
