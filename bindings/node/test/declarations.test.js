'use strict';
// index.d.ts and testing.d.ts are written by hand: check that they declare
// every export and every public member the JavaScript has (test.sh also
// type-checks test/types-check.ts against them with tsc).

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const read = (file) => fs.readFileSync(path.join(__dirname, '..', file), 'utf8');

function declaredExports(dts) {
  return new Set([...dts.matchAll(/^export (?:declare )?(?:class|function|const|interface|type) (\w+)/gm)].map((m) => m[1]));
}

/** The public members of a class: prototype names (getters and methods) and static ones. */
function members(cls) {
  const names = Object.getOwnPropertyNames(cls.prototype).filter((n) => n !== 'constructor');
  const statics = Object.getOwnPropertyNames(cls).filter((n) => !['length', 'name', 'prototype'].includes(n));
  return [...names, ...statics];
}

for (const [js, dts] of [
  ['index.js', 'index.d.ts'],
  ['testing.js', 'testing.d.ts'],
]) {
  test(`${dts} declares every export of ${js}, and their public members`, () => {
    const mod = require(path.join('..', js));
    const text = read(dts);
    const declared = declaredExports(text);
    for (const name of Object.keys(mod)) {
      assert.ok(declared.has(name), `${name} is exported by ${js} but not declared in ${dts}`);
      const value = mod[name];
      if (typeof value === 'function' && /^class /.test(Function.prototype.toString.call(value))) {
        const body = text.slice(text.indexOf(`class ${name} `));
        for (const member of members(value)) {
          if (['STATUS', 'KIND'].includes(member) && name !== 'OoauthccError') continue; // declared once on the base
          assert.match(body.slice(0, body.indexOf('\n}') + 2 || undefined), new RegExp(`\\b${member}\\b`), `${name}.${member} is not declared in ${dts}`);
        }
      } else if (value && typeof value === 'object' && !Array.isArray(value)) {
        for (const key of Object.keys(value)) assert.match(text, new RegExp(`\\b${key}\\b`), `${name}.${key} is not declared`);
      }
    }
  });
}

test('ESM: `import { … } from "ooauthcc"` sees every export (CommonJS named-export detection)', async () => {
  for (const file of ['index.js', 'testing.js']) {
    const cjs = require(path.join('..', file));
    const esm = await import(path.join(__dirname, '..', file));
    for (const name of Object.keys(cjs)) assert.equal(esm[name], cjs[name], `${file}: ${name}`);
  }
});
