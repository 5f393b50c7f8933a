// Starts Swagger UI on /api/docs/. A static file because the CSP forbids inline scripts.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "BaseLayout",
    // Session-authenticated writes from the page need Django's CSRF token.
    requestInterceptor: function (request) {
      request.headers["X-CSRFToken"] = root.dataset.csrfToken;
      return request;
    },
  });
})();
