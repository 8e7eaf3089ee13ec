// The web UI's Markdown renderer (gateway/web/md.js) in plain node: escaping
// first, then the constructs it supports, and no way to inject markup.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const src = readFileSync(fileURLToPath(new URL('../../gateway/web/md.js', import.meta.url)), 'utf8');
const sandbox = {};
vm.runInNewContext(src, { globalThis: sandbox });
const render = sandbox.QSMarkdown.render;

const cases = [
  ['escapes HTML', '<script>alert(1)</script> & "q"', (h) => {
    assert.ok(!h.includes('<script'), h);
    assert.ok(h.includes('&lt;script&gt;') && h.includes('&amp;') && h.includes('&quot;q&quot;'), h);
  }],
  ['bold, italic, code', '**b** *i* `x<y` `**not bold**`', (h) => {
    assert.ok(h.includes('<strong>b</strong>') && h.includes('<em>i</em>'), h);
    assert.ok(h.includes('<code>x&lt;y</code>') && h.includes('<code>**not bold**</code>'), h);
  }],
  ['headings below the page headings', '# Top\n### Three', (h) => {
    assert.ok(h.includes('<h3>Top</h3>') && h.includes('<h5>Three</h5>'), h);
  }],
  ['code block keeps its text', '```sh\nrm -rf <dir> **x**\n```', (h) => {
    assert.ok(h.includes('<pre><code>rm -rf &lt;dir&gt; **x**</code></pre>'), h);
  }],
  ['table', '| a | b |\n|---|--:|\n| 1 | **2** |', (h) => {
    assert.ok(h.includes('<th scope="col">a</th>') && h.includes('<td><strong>2</strong></td>'), h);
  }],
  ['lists', '- x\n- y\n\n1. one\n2. two', (h) => {
    assert.ok(h.includes('<ul><li>x</li><li>y</li></ul>') && h.includes('<ol><li>one</li><li>two</li></ol>'), h);
  }],
  ['safe links only', '[ok](https://example.com/a?b=1&c=2) [bad](javascript:alert(1)) [data](data:text/html,x)', (h) => {
    assert.ok(h.includes('<a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer" target="_blank">ok</a>'), h);
    assert.ok(!/href="(javascript|data):/i.test(h), h);
  }],
  ['attribute injection through a link', '[x](https://e.com/"onmouseover="alert(1))', (h) => {
    assert.ok(!h.includes('"onmouseover'), h);
  }],
];

let failed = 0;
for (const [name, input, check] of cases) {
  try { check(render(input)); console.log('ok   md: ' + name); } catch (e) { failed++; console.error('FAIL md: ' + name + '\n' + e.message); }
}
if (failed) { console.error(`md.test: ${failed} failed`); process.exit(1); }
