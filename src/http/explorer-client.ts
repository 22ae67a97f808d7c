/**
 * What the explorer page runs in the browser, next to GraphiQL's prebuilt bundle: served as files
 * of their own (the page's Content-Security-Policy allows no inline script or style). Kept as text
 * here so that `npm run build` puts them in dist/ with the rest: a deploy ships no source files.
 */

/** The first query a new tab shows: the catalog, readable without a key. */
export const EXPLORER_DEFAULT_QUERY = `# The catalog needs no key: press Run.
# Your account and subscriptions need your
# API key in Headers below. Then try:
# subscription {
#   walletChanged { provider balance }
# }
{
  providers {
    id
    name
    creditPacks { name credits price { amount currency } }
  }
}
`;

/** The headers editor's template: a key left empty is not sent. */
export const EXPLORER_DEFAULT_HEADERS = `{"X-API-Key": ""}`;

export const EXPLORER_STYLE = `html, body, #graphiql { height: 100%; margin: 0; }
#graphiql > .explorer-loading { font: 16px system-ui, sans-serif; padding: 1em; }
`;

/**
 * Queries and mutations go over HTTP with the headers editor's headers (empty ones left out);
 * subscriptions over graphql-ws on the same path, with the X-API-Key (or Authorization: Bearer)
 * header's key as connectionParams.apiKey, one lazy connection per key.
 */
export const EXPLORER_SCRIPT = `(function () {
  "use strict";
  var root = document.getElementById("graphiql");
  // GraphiQL's dialogs add one style element, through get-nonce: the page's CSP admits it by this nonce.
  window.__webpack_nonce__ = root.getAttribute("data-style-nonce");
  var settings = ${JSON.stringify({ defaultQuery: EXPLORER_DEFAULT_QUERY, defaultHeaders: EXPLORER_DEFAULT_HEADERS })};
  var endpoint = location.pathname;
  var socketUrl = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + endpoint;
  var overHttp = GraphiQL.createFetcher({ url: endpoint });
  var socketClients = {};

  function sentHeaders(headers) {
    var kept = {};
    Object.keys(headers || {}).forEach(function (name) {
      var value = headers[name];
      if (value !== undefined && value !== null && String(value).trim() !== "") kept[name] = String(value);
    });
    return kept;
  }

  function apiKeyOf(headers) {
    var key = null;
    Object.keys(headers).forEach(function (name) {
      var lower = name.toLowerCase();
      if (lower === "x-api-key") key = headers[name].trim();
      else if (lower === "authorization" && key === null) {
        var bearer = /^Bearer\\s+(\\S+)$/i.exec(headers[name].trim());
        if (bearer) key = bearer[1];
      }
    });
    return key;
  }

  /**
   * The document's operations ({ kind, name }), read from the text itself: GraphiQL's parsed
   * document trails the editor by a moment, and a subscription run at once must still go over WebSocket.
   */
  function operationsOf(query) {
    var text = String(query).replace(/"""[\\s\\S]*?"""|"(?:[^"\\\\\\r\\n]|\\\\.)*"|#[^\\r\\n]*/g, " ");
    var token = /[{}()[\\]@$]|[_A-Za-z][_0-9A-Za-z]*/g;
    var operations = [];
    var depth = 0;
    var definition = null;
    var nameNext = false;
    var match;
    while ((match = token.exec(text))) {
      var word = match[0];
      if (word === "{" || word === "(" || word === "[") {
        // A selection set opened at the top without a keyword is a query's shorthand.
        if (depth === 0 && word === "{") {
          if (definition === null) operations.push({ kind: "query", name: null });
          definition = null;
        }
        depth += 1;
        nameNext = false;
      } else if (word === "}" || word === ")" || word === "]") {
        depth -= 1;
      } else if (depth === 0 && definition === null && /^(query|mutation|subscription|fragment)$/.test(word)) {
        definition = { kind: word, name: null };
        if (word !== "fragment") operations.push(definition);
        nameNext = word !== "fragment";
      } else if (depth === 0 && nameNext) {
        definition.name = word === "@" || word === "$" ? null : word;
        nameNext = false;
      }
    }
    return operations;
  }

  function isSubscription(query, operationName) {
    var operations = operationsOf(query);
    var chosen = operationName
      ? operations.filter(function (operation) { return operation.name === operationName; })[0]
      : operations.length === 1 ? operations[0] : undefined;
    return Boolean(chosen && chosen.kind === "subscription");
  }

  function socketClient(apiKey) {
    if (!socketClients[apiKey]) {
      socketClients[apiKey] = graphqlWs.createClient({ url: socketUrl, connectionParams: { apiKey: apiKey } });
    }
    return socketClients[apiKey];
  }

  /** A failure as GraphiQL shows a result: a close says its code and reason. */
  function failure(error) {
    if (Array.isArray(error)) return { errors: error };
    if (error && typeof error.code === "number" && "reason" in error) {
      return { errors: [{ message: "The WebSocket closed: " + error.code + (error.reason ? " " + error.reason : ""), extensions: { closeCode: error.code } }] };
    }
    return { errors: [{ message: error && error.message ? error.message : "The WebSocket failed (is the server reachable?)" }] };
  }

  function subscribe(params, apiKey) {
    return {
      subscribe: function (observer) {
        if (!apiKey) {
          observer.next({ errors: [{ message: "Subscriptions need your API key: put it in Headers, as {\\"X-API-Key\\": \\"your key\\"}" }] });
          observer.complete();
          return { unsubscribe: function () {} };
        }
        var request = { query: params.query, variables: params.variables, operationName: params.operationName };
        var stop = socketClient(apiKey).subscribe(request, {
          next: function (result) { observer.next(result); },
          error: function (error) { observer.next(failure(error)); observer.complete(); },
          complete: function () { observer.complete(); },
        });
        return { unsubscribe: stop };
      },
    };
  }

  function fetcher(params, options) {
    var headers = sentHeaders(options && options.headers);
    if (isSubscription(params.query, params.operationName)) return subscribe(params, apiKeyOf(headers));
    return overHttp(params, Object.assign({}, options, { headers: headers }));
  }

  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: settings.defaultQuery,
      defaultHeaders: settings.defaultHeaders,
      defaultEditorToolsVisibility: "headers",
      shouldPersistHeaders: false,
    }),
  );
})();
`;
