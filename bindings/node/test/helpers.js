'use strict';
// Shared set-up of the tests: one bundled authorization server per test file
// (node --test runs each file in its own process), and a fresh client id per
// test, so that no two tests share a cache entry or a request counter.

const util = require('node:util');
const { Client } = require('..');
const { TestServer } = require('../testing');

let server = null;
let next = 0;

/** The server of this test file, started at the first use. */
function testServer() {
  if (server === null) server = TestServer.start();
  return server;
}

/** Registers a new client id at the server; returns its settings (snake_case, as in README.md). */
function freshSettings(extra = {}) {
  const s = testServer();
  const id = `node-${process.pid}-${++next}`;
  const secret = `secret-${id}`;
  s.registerClient(id, secret);
  return { token_url: s.tokenUrl, client_id: id, client_secret: secret, get_timeout: 10, ...extra };
}

/** A new Client with its own cache entry, and its settings. */
function freshClient(extra = {}) {
  const settings = freshSettings(extra);
  return { client: new Client(settings), settings, id: settings.client_id, secret: settings.client_secret };
}

function closeServer() {
  if (server !== null) server.close();
  server = null;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a promise is already settled (resolved or rejected), e.g. answered synchronously. */
const settledNow = (promise) => !util.inspect(promise).includes('<pending>');

module.exports = { testServer, freshSettings, freshClient, closeServer, sleep, settledNow };
