'use strict';
// The entry of undici that the Action's bundle uses instead of undici's index.js (scripts/build-action.ts),
// which evaluates all of undici at start-up (fetch, WebSocket, EventSource, cache, cookies, mocks) before the
// first provider request. The bundle uses four things: Agent and request (providers), ProxyAgent
// (@actions/http-client) and fetch (@actions/github, loaded on its first call, after the provider's first
// request). request is undici's own makeDispatcher(api.request), as index.js builds it.
// Resolved from undici's package folder; `require` paths are undici's own files.

const Agent = require('./lib/dispatcher/agent');
const ProxyAgent = require('./lib/dispatcher/proxy-agent');
const Dispatcher = require('./lib/dispatcher/dispatcher');
const api = require('./lib/api');
const util = require('./lib/core/util');
const { InvalidArgumentError } = require('./lib/core/errors');
const { getGlobalDispatcher, setGlobalDispatcher } = require('./lib/global');

Object.assign(Dispatcher.prototype, api);

function makeDispatcher(fn) {
  return (url, opts, handler) => {
    if (typeof opts === 'function') {
      handler = opts;
      opts = null;
    }
    if (!url || (typeof url !== 'string' && typeof url !== 'object' && !(url instanceof URL))) {
      throw new InvalidArgumentError('invalid url');
    }
    if (opts != null && typeof opts !== 'object') {
      throw new InvalidArgumentError('invalid opts');
    }
    if (opts && opts.path != null) {
      if (typeof opts.path !== 'string') {
        throw new InvalidArgumentError('invalid opts.path');
      }
      let path = opts.path;
      if (!opts.path.startsWith('/')) {
        path = `/${path}`;
      }
      url = new URL(util.parseOrigin(url).origin + path);
    } else {
      if (!opts) {
        opts = typeof url === 'object' ? url : {};
      }
      url = util.parseURL(url);
    }
    const { agent, dispatcher = getGlobalDispatcher(), ...restOpts } = opts;
    if (agent) {
      throw new InvalidArgumentError('unsupported opts.agent. Did you mean opts.client?');
    }
    return fn.call(
      dispatcher,
      {
        ...restOpts,
        origin: url.origin,
        path: url.search ? `${url.pathname}${url.search}` : url.pathname,
        method: opts.method || (opts.body ? 'PUT' : 'GET'),
      },
      handler,
    );
  };
}

module.exports.Agent = Agent;
module.exports.ProxyAgent = ProxyAgent;
module.exports.Dispatcher = Dispatcher;
module.exports.getGlobalDispatcher = getGlobalDispatcher;
module.exports.setGlobalDispatcher = setGlobalDispatcher;
module.exports.request = makeDispatcher(api.request);
module.exports.fetch = function fetch(input, init = undefined) {
  return require('./lib/web/fetch').fetch(input, init);
};
